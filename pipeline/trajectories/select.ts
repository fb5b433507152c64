import { isSolved } from '../calibrate/thresholds.ts';
import { columnFor, type Family, type Variant } from '../score/report.ts';

import { type Strategy, strategies } from './strategies.ts';

export { type Strategy, strategies } from './strategies.ts';

/** One sampled trace: a run of the eval harness (sample = its repeat index). */
export interface Trace {
  task: string;
  family: Family;
  variant: Variant;
  sample: number;
  /** null when the task variant cannot be scored. */
  score: number | null;
}

/** Score variance (population, over the scored traces) from which a predictive task is diverse. */
export const diversityVariance = { default: 0.15, ts_cf: 0.1 } as const;

/** Whether a trace solves its task by the paper's validity thresholds (calibrate/thresholds.ts). */
export function isValid(trace: Trace): boolean {
  return isSolved(trace.family, trace.variant, trace.score);
}

function variance(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
}

/**
 * A task variant is diverse when its traces disagree: an IF task has both a 0 and a 1 among
 * its scores; a predictive one has a population variance of its scores of at least 0.15
 * (0.1 for time-series CF). Unscorable traces (score null) take no part.
 */
export function isDiverse(traces: readonly Trace[]): boolean {
  const first = traces[0];
  if (!first) return false;
  const scores = traces.flatMap((t) => (t.score === null ? [] : [t.score]));
  const column = columnFor(first.family, first.variant).key;
  if (column === 'class_if' || column === 'reg_if') return scores.includes(0) && scores.includes(1);
  const bound = column === 'ts_cf' ? diversityVariance.ts_cf : diversityVariance.default;
  return variance(scores) >= bound - 1e-12;
}

export function groupKey(trace: Pick<Trace, 'task' | 'variant'>): string {
  return `${trace.task}:${trace.variant}`;
}

/** Traces grouped by task variant, groups and traces in a stable order (task, variant, sample). */
export function groupTraces<T extends Trace>(traces: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  const sorted = [...traces].sort(
    (a, b) => cmp(a.task, b.task) || cmp(a.variant, b.variant) || a.sample - b.sample,
  );
  for (const trace of sorted) {
    const key = groupKey(trace);
    groups.set(key, [...(groups.get(key) ?? []), trace]);
  }
  return [...groups.values()];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The traces a strategy keeps, in (task, variant, sample) order:
 * FV the first valid trace (lowest sample) of each task variant; AV every valid trace;
 * BV the best valid trace of each task variant (highest score, ties to the lowest sample);
 * DV every valid trace of the diverse task variants.
 */
export function selectTraces<T extends Trace>(traces: readonly T[], strategy: Strategy): T[] {
  return groupTraces(traces).flatMap((group) => {
    const valid = group.filter(isValid);
    if (strategy === 'AV') return valid;
    if (strategy === 'DV') return isDiverse(group) ? valid : [];
    if (strategy === 'FV') return valid.slice(0, 1);
    const best = valid.reduce<T | undefined>(
      (top, t) => (top === undefined || (t.score ?? 0) > (top.score ?? 0) ? t : top),
      undefined,
    );
    return best ? [best] : [];
  });
}

export interface SelectionStats {
  /** Task variants sampled, and those with at least one valid trace. */
  taskVariants: number;
  solvedTaskVariants: number;
  diverseTaskVariants: number;
  traces: number;
  validTraces: number;
  counts: Record<Strategy, number>;
}

export function selectionStats(traces: readonly Trace[], chosen: readonly Strategy[]): SelectionStats {
  const groups = groupTraces(traces);
  const counts = Object.fromEntries(
    strategies.filter((s) => chosen.includes(s)).map((s) => [s, selectTraces(traces, s).length]),
  ) as Record<Strategy, number>;
  return {
    taskVariants: groups.length,
    solvedTaskVariants: groups.filter((g) => g.some(isValid)).length,
    diverseTaskVariants: groups.filter(isDiverse).length,
    traces: traces.length,
    validTraces: traces.filter(isValid).length,
    counts,
  };
}
