import { Rejection } from '../../errors.ts';
import type { Cell } from './table.ts';

/**
 * R² (regression and time-series scores) is undefined on fewer than two rows or a constant
 * ground truth: the published evaluator then prints "Average score: nan%" for the whole split.
 */
export const minScorableRows = 2;

/**
 * Rejects a variant the published evaluator cannot score: per target, at least
 * `minScorableRows` known ground-truth values, and (for R²) more than one distinct value.
 * `columns` are the target names; `rows` hold each target's value at `offset + k`.
 */
export function assertScorable(
  variant: string,
  metric: 'r2' | 'macro_f1',
  columns: readonly string[],
  rows: readonly (readonly Cell[])[],
  offset: number,
): void {
  columns.forEach((name, k) => {
    const known = rows
      .map((row) => row[offset + k] ?? null)
      .filter((v): v is string => v !== null && v !== '');
    const need = metric === 'r2' ? minScorableRows : 1;
    if (known.length < need) {
      throw new Rejection(
        'unscorable_validation',
        `${variant}: ${known.length} validation row(s) with a known "${name}" (the published evaluator needs ${need} to score ${metric})`,
      );
    }
    if (metric === 'r2' && new Set(known.map(Number)).size < 2) {
      throw new Rejection(
        'constant_ground_truth',
        `${variant}: every validation value of "${name}" is ${known[0]}, so R² is undefined (nan)`,
      );
    }
  });
}
