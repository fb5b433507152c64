import { z } from 'zod';
import type { TaskVerdict } from './schema.ts';

/** One task behind a count: why it is there (failing check and reason, drift size). */
export const breakdownEntrySchema = z.object({
  task: z.string(),
  /** rejected: the failing check's name; drift: absent. */
  check: z.string().optional(),
  reason: z.string().optional(),
  detail: z.string().optional(),
  cells_differing: z.number().optional(),
  max_relative_difference: z.number().optional(),
});
export type BreakdownEntry = z.infer<typeof breakdownEntrySchema>;

/** The tasks behind every summary count, keyed like the summary (verdict_*, drift_*). */
export const breakdownSchema = z.object({
  groups: z.record(z.string(), z.array(breakdownEntrySchema)),
  /** How far the regenerated predictions moved from the shipped ones, over every task. */
  drift_size: z.object({
    tasks_moved: z.number(),
    cells_differing: z.number(),
    max_relative_difference: z.number(),
  }),
});
export type Breakdown = z.infer<typeof breakdownSchema>;

interface TaskEntry {
  task: string;
  verdict: TaskVerdict;
  drift: { kind: string; cells_differing: number; max_relative_difference: number };
}

function verdictEntry(entry: TaskEntry): BreakdownEntry {
  if (entry.verdict.status === 'passed') return { task: entry.task };
  const failed = entry.verdict.checks.find((c) => c.status === 'fail');
  return {
    task: entry.task,
    ...(failed ? { check: failed.name, detail: failed.detail } : {}),
    reason: entry.verdict.reasons[0] ?? entry.verdict.status,
  };
}

/** Groups tasks under each summary key (sorted by task), and sums the drift. */
export function corpusBreakdown(tasks: readonly TaskEntry[]): Breakdown {
  const groups: Record<string, BreakdownEntry[]> = {};
  const add = (key: string, entry: BreakdownEntry) => {
    groups[key] ??= [];
    groups[key].push(entry);
  };
  const size = { tasks_moved: 0, cells_differing: 0, max_relative_difference: 0 };
  for (const entry of [...tasks].sort((a, b) => a.task.localeCompare(b.task))) {
    add(`verdict_${entry.verdict.status}`, verdictEntry(entry));
    if (entry.verdict.family === 'ts') continue;
    const { kind, cells_differing, max_relative_difference } = entry.drift;
    add(`drift_${kind}`, {
      task: entry.task,
      ...(cells_differing > 0 ? { cells_differing, max_relative_difference } : {}),
    });
    if (cells_differing > 0) {
      size.tasks_moved += 1;
      size.cells_differing += cells_differing;
      size.max_relative_difference = Math.max(size.max_relative_difference, max_relative_difference);
    }
  }
  return { groups, drift_size: size };
}

/** Names listed in full for counts that need a look; the all-good ones are shortened. */
const SHORT_LIST = 8;
const goodKeys = new Set(['verdict_passed', 'drift_identical', 'drift_not_applicable']);

function entryText(e: BreakdownEntry): string {
  if (e.reason) return `${e.task}: ${e.reason}${e.check ? ` (${e.check}: ${e.detail ?? ''})` : ''}`;
  if (e.cells_differing !== undefined)
    return `${e.task}: ${e.cells_differing} cell(s), max relative difference ${e.max_relative_difference?.toPrecision(3)}`;
  return e.task;
}

/** The terminal view: each count, then the tasks behind it, and the drift size. */
export function breakdownText(summary: Record<string, number>, breakdown: Breakdown): string {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(summary)) {
    lines.push(`  ${key}: ${value}`);
    const entries = breakdown.groups[key] ?? [];
    if (goodKeys.has(key)) {
      const names = entries.slice(0, SHORT_LIST).map((e) => e.task);
      const more =
        entries.length > SHORT_LIST ? ` and ${entries.length - SHORT_LIST} more (see the report)` : '';
      if (names.length) lines.push(`    ${names.join(', ')}${more}`);
    } else for (const e of entries) lines.push(`    ${entryText(e)}`);
  }
  const d = breakdown.drift_size;
  lines.push(
    d.tasks_moved === 0
      ? '  drift size: no regenerated prediction moved'
      : `  drift size: ${d.tasks_moved} task(s) moved, ${d.cells_differing} cell(s) in all, max relative difference ${d.max_relative_difference.toPrecision(3)}`,
  );
  return `${lines.join('\n')}\n`;
}
