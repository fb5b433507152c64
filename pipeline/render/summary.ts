import type { TaskCounts, TaskRow } from '../audit/tasks.ts';
import type { StageSummary } from '../progress.ts';

function counts(record: Record<string, number>): string {
  const entries = Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? '0' : entries.map(([reason, n]) => `${reason}=${n}`).join(' ');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export interface TaskSummary {
  counts: TaskCounts;
  rows: readonly TaskRow[];
}

/**
 * The run summary: one block per stage (verify also counts tasks), then the rejected and failed
 * datasets and tasks with reasons.
 */
export function formatSummary(
  summaries: readonly StageSummary[],
  totalMs: number,
  tasks: TaskSummary | null = null,
): string {
  const lines = ['', 'Summary'];
  for (const s of summaries) {
    const rejected = Object.values(s.rejected).reduce((a, b) => a + b, 0);
    const errors = Object.values(s.errors).reduce((a, b) => a + b, 0);
    lines.push(
      `  ${s.stage.padEnd(8)} datasets ${s.total}  processed ${s.processed}  fresh ${s.fresh}  ok ${s.ok}  ` +
        `rejected ${rejected}  errors ${errors}  ${seconds(s.wall_ms)}`,
    );
    if (rejected > 0) lines.push(`           rejected by reason: ${counts(s.rejected)}`);
    if (errors > 0) lines.push(`           errors by reason: ${counts(s.errors)}`);
    for (const note of s.notes ?? []) lines.push(`           environment: ${note}`);
    if (s.stage === 'verify' && tasks) {
      const c = tasks.counts;
      const why = Object.keys(c.reasons).length > 0 ? `; ${counts(c.reasons)}` : '';
      lines.push(`           ${c.passed}/${c.tasks} tasks passed${why}`);
    }
  }
  const failures: { stage: string; id: string; status: string; reason: string; detail: string }[] = [
    ...summaries.flatMap((s) => s.failures.map((f) => ({ stage: s.stage, ...f }))),
    ...(tasks?.rows ?? [])
      .filter((r) => r.stage === 'verify' && r.status !== 'passed' && r.status !== 'not_verified')
      .map((r) => ({
        stage: 'verify task',
        id: r.task,
        status: r.status === 'rejected' ? 'rejected' : r.status,
        reason: r.reason ?? r.status,
        detail: r.check
          ? `${r.check}${r.variant ? ` (${r.variant})` : ''}: ${r.detail ?? ''}`
          : (r.detail ?? ''),
      })),
  ];
  if (failures.length > 0) {
    lines.push('', 'Not ok');
    for (const f of failures.slice(0, 50)) {
      lines.push(`  ${f.stage} ${f.id}: ${f.status}(${f.reason}) ${firstLine(f.detail)}`);
    }
    if (failures.length > 50)
      lines.push(`  ... and ${failures.length - 50} more (see processed/<id>/status/ and dare-forge audit)`);
  }
  lines.push('', `Wall time ${seconds(totalMs)}`);
  return `${lines.join('\n')}\n`;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
