import type { Cell, StorageKind } from './table.ts';

/**
 * The expected range of one feature, computed on the clean training rows: numbers span the
 * observed [min, max]; categories list the observed values in order of first appearance
 * (as numbers when the column is stored as numbers, so pandas' isin matches them).
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
      const n = Number(v);
      if (n < min) min = n;
      if (n > max) max = n;
    }
    return { kind: 'interval', min, max, storage };
  }
  const seen = new Set<string>();
  const ordered: string[] = [];
  for (const v of known) {
    const key = storage === 'text' ? v : String(Number(v));
    if (seen.has(key)) continue;
    seen.add(key);
    ordered.push(key);
    if (ordered.length > maxCategories) return null;
  }
  return { kind: 'categories', values: ordered, storage };
}

/** Whether a known value satisfies its range; missing values always do (the keep-missing rule). */
export function inRange(range: ExpectedRange, value: Cell): boolean {
  if (value === null) return true;
  if (range.kind === 'interval') {
    const n = Number(value);
    return n >= range.min && n <= range.max;
  }
  const key = range.storage === 'text' ? value : String(Number(value));
  return range.values.includes(key);
}

/** The JSON form written to all_metadata.json expected_ranges. */
export function rangeJson(range: ExpectedRange): (string | number)[] {
  if (range.kind === 'interval') return [range.min, range.max];
  return range.storage === 'text' ? [...range.values] : range.values.map(Number);
}
