import { mean } from './numeric.ts';
import {
  type ColumnKey,
  type ColumnSummary,
  reasonCodes,
  reasonDescriptions,
  type ScoreReport,
  scoreColumns,
  type TaskScore,
  warningCodes,
  warningDescriptions,
} from './report.ts';

function meanOrNull(values: readonly number[]): number | null {
  return values.length > 0 ? mean(values) : null;
}

function sortedCounts(reasons: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const reason of [...reasons].sort()) counts[reason] = (counts[reason] ?? 0) + 1;
  return counts;
}

function summariseColumn(tasks: readonly TaskScore[], key: ColumnKey): ColumnSummary {
  const mine = tasks.filter((t) => t.column === key);
  const scored = mine.filter((t) => t.status === 'scored');
  const scores = scored.map((t) => t.score ?? 0);
  const predictedScores = scored.filter((t) => t.prediction_exists).map((t) => t.score ?? 0);
  const rewards = scored.flatMap((t) => (t.reward === null ? [] : [t.reward]));
  return {
    label: scoreColumns.find((c) => c.key === key)?.label ?? key,
    tasks: mine.length,
    scored: scored.length,
    predicted: mine.filter((t) => t.prediction_exists).length,
    unscorable: mine.length - scored.length,
    mean_score: meanOrNull(scores),
    mean_score_predicted: meanOrNull(predictedScores),
    mean_reward: meanOrNull(rewards),
    reasons: sortedCounts(mine.flatMap((t) => (t.reason === null ? [] : [t.reason]))),
  };
}

/** One summary per column of the paper's results table (zero tasks where not scored). */
export function summarise(tasks: readonly TaskScore[]): Record<ColumnKey, ColumnSummary> {
  return {
    class_if: summariseColumn(tasks, 'class_if'),
    class_mm: summariseColumn(tasks, 'class_mm'),
    reg_if: summariseColumn(tasks, 'reg_if'),
    reg_mm: summariseColumn(tasks, 'reg_mm'),
    ts_xf: summariseColumn(tasks, 'ts_xf'),
    ts_cf: summariseColumn(tasks, 'ts_cf'),
  };
}

const percent = (value: number | null) => (value === null ? '-' : (value * 100).toFixed(2));
const fixed = (value: number | null) => (value === null ? '-' : value.toFixed(4));

/** The results table as the paper prints it (scores in %), plus counts and reasons. */
export function formatTable(report: ScoreReport): string {
  const columns = scoreColumns.map((c) => report.summary[c.key]);
  const rows: [string, string[]][] = [
    ['score (%)', columns.map((c) => (c.tasks === 0 ? '-' : percent(c.mean_score)))],
    ['score if predicted (%)', columns.map((c) => (c.tasks === 0 ? '-' : percent(c.mean_score_predicted)))],
    ['tasks', columns.map((c) => String(c.tasks))],
    ['predicted', columns.map((c) => String(c.predicted))],
    ['unscorable', columns.map((c) => String(c.unscorable))],
  ];
  if (report.rl_reward)
    rows.push(['reward (mean)', columns.map((c) => (c.tasks === 0 ? '-' : fixed(c.mean_reward)))]);
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const widths = columns.map((c, i) =>
    Math.max(c.label.length, ...rows.map(([, cells]) => (cells[i] ?? '').length)),
  );
  const line = (label: string, cells: readonly string[]) =>
    `${label.padEnd(labelWidth)}  ${cells.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  ')}`.trimEnd();
  const lines = [
    line(
      '',
      columns.map((c) => c.label),
    ),
    ...rows.map(([label, cells]) => line(label, cells)),
  ];

  const reasonLines = reasonCodes.flatMap((reason) => {
    const where = columns.flatMap((c) => (c.reasons[reason] ? [`${c.label} ${c.reasons[reason]}`] : []));
    return where.length > 0 ? [`  ${reason} (${where.join(', ')}): ${reasonDescriptions[reason]}`] : [];
  });
  if (reasonLines.length > 0) lines.push('', 'reasons (tasks):', ...reasonLines);
  // Scored as the published evaluator scores them, but worth fixing before publishing numbers.
  const warningLines = warningCodes.flatMap((code) => {
    const count = report.tasks.filter((t) => t.warnings.some((w) => w.code === code)).length;
    return count > 0 ? [`  ${code} (${count}): ${warningDescriptions[code]}`] : [];
  });
  if (warningLines.length > 0) lines.push('', 'warnings (tasks, scored anyway):', ...warningLines);
  if (report.unmatched_prediction_folders.length > 0) {
    lines.push('', `prediction folders matching no task: ${report.unmatched_prediction_folders.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
