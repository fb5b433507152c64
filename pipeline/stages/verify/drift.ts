import { parseCsv } from '../../util/csv.ts';

/** Relative difference under which two numbers count as the same value printed differently. */
export const FLOAT_TOLERANCE = 1e-9;

/**
 * How a regenerated file compares with the shipped one. identical: same bytes; float: only
 * numbers differ, each within FLOAT_TOLERANCE (BLAS kernels moving the last digits); values:
 * anything else (other labels, other row count, numbers far apart).
 */
export const driftKinds = [
  'identical',
  'float',
  'values',
  'missing_shipped',
  'not_regenerated',
  /** Time series: no reference output exists to regenerate. */
  'not_applicable',
] as const;
export type DriftKind = (typeof driftKinds)[number];

export interface Drift {
  kind: DriftKind;
  /** Cells that differ (any amount), over all rows. */
  cells_differing: number;
  max_relative_difference: number;
}

function relativeDifference(a: string, b: string): number | null {
  if (a.trim() === '' || b.trim() === '') return null;
  const [x, y] = [Number(a), Number(b)];
  if (!Number.isFinite(x) || !Number.isFinite(y)) return null;
  return Math.abs(x - y) / Math.max(1, Math.abs(x), Math.abs(y));
}

export function compareOutputs(regenerated: Buffer | null, shipped: Buffer | null): Drift {
  const none = { cells_differing: 0, max_relative_difference: 0 };
  if (!regenerated) return { kind: 'not_regenerated', ...none };
  if (!shipped) return { kind: 'missing_shipped', ...none };
  if (regenerated.equals(shipped)) return { kind: 'identical', ...none };
  // Cells as text: a missing value (empty field) compares as the empty string.
  const textCells = (file: Buffer) =>
    parseCsv(file.toString('utf8')).map((row) => row.map((cell) => cell ?? ''));
  const [ours, theirs] = [textCells(regenerated), textCells(shipped)];
  let cells = 0;
  let maxDifference = 0;
  let numericOnly = ours.length === theirs.length;
  for (let r = 0; r < Math.max(ours.length, theirs.length); r++) {
    const [a, b] = [ours[r] ?? [], theirs[r] ?? []];
    if (a.length !== b.length) numericOnly = false;
    for (let c = 0; c < Math.max(a.length, b.length); c++) {
      const [x, y] = [a[c] ?? '', b[c] ?? ''];
      if (x === y) continue;
      cells++;
      const difference = relativeDifference(x, y);
      if (difference === null) numericOnly = false;
      else maxDifference = Math.max(maxDifference, difference);
    }
  }
  const kind = numericOnly && maxDifference <= FLOAT_TOLERANCE ? 'float' : 'values';
  return { kind, cells_differing: cells, max_relative_difference: maxDifference };
}
