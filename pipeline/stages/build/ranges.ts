import { csvReadings } from '../../util/pandas-float.ts';
import type { Cell, StorageKind } from './table.ts';

/**
 * The expected range of one feature, computed on the clean training rows: numbers span the
 * observed [min, max]; categories list the observed values in order of first appearance
 * (as numbers when the column is stored as numbers, so pandas' isin matches them). A number
 * counts as every double a reader may make of its text (see csvReadings), so no clean row
 * falls outside its own range when pandas reads a long decimal 1 ulp off.
 */
export type ExpectedRange =
  | { kind: 'interval'; min: number; max: number; storage: 'integer' | 'float' }
  | { kind: 'categories'; values: string[]; storage: StorageKind };

export type FeatureType = 'numerical' | 'categorical';

export function computeRange(
  values: readonly Cell[],
  type: FeatureType,
  storage: StorageKind,
  maxCategories: number,
): ExpectedRange | null {
  const known = values.filter((v): v is string => v !== null);
  if (known.length === 0) return null;
  if (type === 'numerical') {
    if (storage === 'text') return null;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of known) {
      for (const n of csvReadings(v)) {
        if (n < min) min = n;
        if (n > max) max = n;
      }
    }
    return { kind: 'interval', min, max, storage };
  }
  const seen = new Set<string>();
  const ordered: string[] = [];
  for (const v of known) {
    for (const key of keysOf(storage, v)) {
      if (seen.has(key)) continue;
      seen.add(key);
      ordered.push(key);
    }
    if (ordered.length > maxCategories) return null;
  }
  return { kind: 'categories', values: ordered, storage };
}

/** Whether a known value satisfies its range; missing values always do (the keep-missing rule). */
export function inRange(range: ExpectedRange, value: Cell): boolean {
  if (value === null) return true;
  if (range.kind === 'interval') return csvReadings(value).some((n) => n >= range.min && n <= range.max);
  return keysOf(range.storage, value).some((key) => range.values.includes(key));
}

/** A category's keys: the text itself, or each number a CSV reader may make of it. */
function keysOf(storage: StorageKind, value: string): string[] {
  return storage === 'text' ? [value] : csvReadings(value).map(String);
}

/** The JSON form written to all_metadata.json expected_ranges. */
export function rangeJson(range: ExpectedRange): (string | number)[] {
  if (range.kind === 'interval') return [range.min, range.max];
  return range.storage === 'text' ? [...range.values] : range.values.map(Number);
}
