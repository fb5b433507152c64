import { type ColumnKey, scoreColumns } from '../score/report.ts';
import { type RunRecord, type RunStatus, runStatuses } from './record.ts';

export interface ColumnResult {
  label: string;
  /** Tasks with at least one scored run in this column. */
  tasks: number;
  /** Mean over repeats of the per-repeat mean score over tasks; null without scored runs. */
  mean: number | null;
  /** Population standard deviation (numpy's default, ddof 0) of the per-repeat means. */
  std: number | null;
  repeats: number;
}

export interface EvalSummary {
  format: 'dare-forge.eval-summary/1';
  model: string;
  runs: number;
  columns: Record<ColumnKey, ColumnResult>;
  statuses: Record<RunStatus, number>;
  tool_calls: number;
  tool_errors: number;
  blocked_attempts: number;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;

/**
 * The paper's table for one model: mean score per task type and variant (class IF/MM, reg
 * IF/MM, ts XF/CF) with the standard deviation over repeats. Wall times are left out so the
 * bytes depend only on the runs' outcomes.
 */
export function summariseRuns(model: string, records: readonly RunRecord[]): EvalSummary {
  const columns = {} as Record<ColumnKey, ColumnResult>;
  for (const column of scoreColumns) {
    const scored = records.filter(
      (r) => r.family === column.family && r.variant === column.variant && r.score !== null,
    );
    const byRepeat = new Map<number, number[]>();
    for (const record of scored)
      byRepeat.set(record.repeat, [...(byRepeat.get(record.repeat) ?? []), record.score ?? 0]);
    const means = [...byRepeat.keys()]
      .sort((a, b) => a - b)
      .map((repeat) => {
        const scores = byRepeat.get(repeat) ?? [];
        return scores.reduce((sum, s) => sum + s, 0) / scores.length;
      });
    const mean = means.length > 0 ? means.reduce((s, m) => s + m, 0) / means.length : null;
    const std =
      mean === null ? null : Math.sqrt(means.reduce((s, m) => s + (m - mean) ** 2, 0) / means.length);
    columns[column.key] = {
      label: column.label,
      tasks: new Set(scored.map((r) => r.task)).size,
      mean: mean === null ? null : round(mean),
      std: std === null ? null : round(std),
      repeats: means.length,
    };
  }
  const statuses = Object.fromEntries(runStatuses.map((s) => [s, 0])) as Record<RunStatus, number>;
  for (const record of records) statuses[record.status] += 1;
  const sum = (pick: (r: RunRecord) => number) => records.reduce((s, r) => s + pick(r), 0);
  return {
    format: 'dare-forge.eval-summary/1',
    model,
    runs: records.length,
    columns,
    statuses,
    tool_calls: sum((r) => r.tool_calls),
    tool_errors: sum((r) => r.tool_errors),
    blocked_attempts: sum((r) => r.blocked_attempts.length),
    tokens_in: sum((r) => r.tokens_in),
    tokens_out: sum((r) => r.tokens_out),
    cost_usd: Math.round(sum((r) => r.cost_usd) * 1e8) / 1e8,
  };
}

/** The summary as a terminal table: one row per column of the paper's table, then status counts. */
export function formatSummaryTable(summary: EvalSummary): string {
  const rows = scoreColumns.map((column) => {
    const result = summary.columns[column.key];
    const value = result.mean === null ? '-' : `${result.mean.toFixed(3)} ± ${(result.std ?? 0).toFixed(3)}`;
    return `  ${column.label.padEnd(9)} ${String(result.tasks).padStart(5)}  ${value}`;
  });
  const statuses = runStatuses.map((s) => `${s} ${summary.statuses[s]}`).join(', ');
  return [
    `${summary.model}: ${summary.runs} run(s)`,
    `  ${'column'.padEnd(9)} ${'tasks'.padStart(5)}  mean ± std over repeats`,
    ...rows,
    `  status: ${statuses}`,
    `  tool calls ${summary.tool_calls} (errors ${summary.tool_errors}, blocked attempts ${summary.blocked_attempts}); tokens ${summary.tokens_in} in / ${summary.tokens_out} out; cost $${summary.cost_usd.toFixed(4)}`,
  ].join('\n');
}
