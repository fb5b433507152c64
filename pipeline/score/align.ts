import type { Frame, Value } from './frame.ts';
import type { Family, Reason, Variant } from './report.ts';

/** A ground-truth row and the prediction row matched to it. */
export interface Pair {
  readonly truthRow: number;
  readonly predictionRow: number;
}
export type Alignment = { ok: true; pairs: Pair[] } | { ok: false; reason: Reason; detail: string };

/**
 * The columns rows are matched on, as the benchmark does: time series CF by every
 * non-target column of the ground truth (time + entity columns, since its rows carry no
 * row_id); otherwise row_id, or the non-target columns when the ground truth has none.
 */
export function idColumnsFor(
  truth: Frame,
  targets: readonly string[],
  family: Family,
  variant: Variant,
): string[] {
  const nonTargets = truth.columns.filter((c) => !targets.includes(c));
  if (family === 'time_series_analysis' && variant === 'v2') return nonTargets;
  return truth.columns.includes('row_id') ? ['row_id'] : nonTargets;
}

/** pandas merges NaN keys with NaN keys and compares numbers by value (1 == 1.0). */
function keyPart(value: Value): string {
  if (value === null) return 'N';
  return typeof value === 'number' ? `n${String(value)}` : `s${value}`;
}

function rowKey(frame: Frame, idColumns: readonly string[], row: number): string {
  return JSON.stringify(idColumns.map((c) => keyPart(frame.byName.get(c)?.values[row] ?? null)));
}

function describeKey(frame: Frame, idColumns: readonly string[], row: number): string {
  return idColumns.map((c) => `${c}=${String(frame.byName.get(c)?.values[row] ?? 'NA')}`).join(', ');
}

/**
 * Inner join of the ground truth with the prediction on the id columns. Stricter than a
 * bare inner join in the way the published evaluation.py is (sorted row_ids must equal):
 * duplicate ids and ids unknown to the ground truth fail as well as missing ones (checked
 * after them, so a wrong time format reads as unmatched ground-truth rows).
 */
export function alignRows(truth: Frame, prediction: Frame, idColumns: readonly string[]): Alignment {
  const absent = idColumns.filter((c) => !prediction.byName.has(c));
  if (absent.length > 0) {
    return {
      ok: false,
      reason: 'missing_id_columns',
      detail: `prediction.csv has no column ${absent.join(', ')}`,
    };
  }
  for (const column of idColumns) {
    const truthKind = truth.byName.get(column)?.kind;
    const predictionKind = prediction.byName.get(column)?.kind;
    if (truthKind !== predictionKind) {
      return {
        ok: false,
        reason: 'id_type_mismatch',
        detail: `column ${column} is ${predictionKind} in prediction.csv but ${truthKind} in the ground truth`,
      };
    }
  }
  const predictionRows = new Map<string, number>();
  for (let row = 0; row < prediction.rowCount; row += 1) {
    const key = rowKey(prediction, idColumns, row);
    const first = predictionRows.get(key);
    if (first !== undefined) {
      return {
        ok: false,
        reason: 'duplicate_ids',
        detail: `data rows ${first + 1} and ${row + 1} both have ${describeKey(prediction, idColumns, row)}`,
      };
    }
    predictionRows.set(key, row);
  }
  const truthKeys = new Set<string>();
  const pairs: Pair[] = [];
  const unmatched: number[] = [];
  for (let row = 0; row < truth.rowCount; row += 1) {
    const key = rowKey(truth, idColumns, row);
    truthKeys.add(key);
    const predictionRow = predictionRows.get(key);
    if (predictionRow === undefined) unmatched.push(row);
    else pairs.push({ truthRow: row, predictionRow });
  }
  const [firstUnmatched] = unmatched;
  if (firstUnmatched !== undefined) {
    return {
      ok: false,
      reason: 'row_count_mismatch',
      detail: `${pairs.length} of ${truth.rowCount} ground-truth rows matched, first missing ${describeKey(truth, idColumns, firstUnmatched)}`,
    };
  }
  const extra = [...predictionRows].filter(([key]) => !truthKeys.has(key)).map(([, row]) => row);
  const [firstExtra] = extra;
  if (firstExtra !== undefined) {
    return {
      ok: false,
      reason: 'extra_rows',
      detail: `${extra.length} prediction rows match no ground-truth row, first ${describeKey(prediction, idColumns, firstExtra)}`,
    };
  }
  return { ok: true, pairs };
}
