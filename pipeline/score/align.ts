import type { Frame, Value } from './frame.ts';
import type { Family, Reason, Variant } from './report.ts';

/** A ground-truth row and the prediction row matched to it. */
export interface Pair {
  readonly truthRow: number;
  readonly predictionRow: number;
}

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

/** What the published evaluator tolerates and we score as it does, with a warning. */
export interface AlignmentWarning {
  readonly code: 'extra_rows_ignored' | 'duplicate_ids_scored';
  readonly detail: string;
}
export type Alignment =
  | { ok: true; pairs: Pair[]; warnings: AlignmentWarning[] }
  | { ok: false; reason: Reason; detail: string };

/**
 * The published evaluator's alignment: `ground_truth.merge(prediction, on=ids, how="inner")`
 * (rows in ground-truth order, each matched by every prediction row with its id, in file
 * order), then 0 unless the join has exactly as many rows as the ground truth. So prediction
 * rows with unknown ids are ignored, and a duplicated id that stands in for a missing one
 * still scores; both are warned about. The join stops growing past the ground truth's length
 * (it scores 0 then), so duplicate ids cannot blow it up.
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
  const predictionRows = new Map<string, number[]>();
  let firstDuplicate: number | undefined;
  for (let row = 0; row < prediction.rowCount; row += 1) {
    const key = rowKey(prediction, idColumns, row);
    const rows = predictionRows.get(key);
    if (rows) {
      rows.push(row);
      firstDuplicate ??= row;
    } else predictionRows.set(key, [row]);
  }
  const truthKeys = new Set<string>();
  const pairs: Pair[] = [];
  let joined = 0;
  let firstUnmatched: number | undefined;
  for (let row = 0; row < truth.rowCount; row += 1) {
    const key = rowKey(truth, idColumns, row);
    truthKeys.add(key);
    const matches = predictionRows.get(key) ?? [];
    if (matches.length === 0) firstUnmatched ??= row;
    joined += matches.length;
    if (joined <= truth.rowCount)
      for (const predictionRow of matches) pairs.push({ truthRow: row, predictionRow });
  }
  if (joined !== truth.rowCount) {
    const duplicated = firstDuplicate !== undefined && joined > truth.rowCount;
    const missing =
      firstUnmatched === undefined
        ? ''
        : `, first ground-truth row without a prediction ${describeKey(truth, idColumns, firstUnmatched)}`;
    return {
      ok: false,
      reason: duplicated ? 'duplicate_ids' : 'row_count_mismatch',
      detail: duplicated
        ? `the join on ${idColumns.join(', ')} has more rows than the ${truth.rowCount} ground-truth rows: data row ${(firstDuplicate ?? 0) + 1} repeats ${describeKey(prediction, idColumns, firstDuplicate ?? 0)}`
        : `the join on ${idColumns.join(', ')} has ${joined} rows, the ground truth ${truth.rowCount}${missing}`,
    };
  }
  const warnings: AlignmentWarning[] = [];
  const extra = [...predictionRows].filter(([key]) => !truthKeys.has(key)).flatMap(([, rows]) => rows);
  const [firstExtra] = extra;
  if (firstExtra !== undefined) {
    warnings.push({
      code: 'extra_rows_ignored',
      detail: `${extra.length} prediction rows match no ground-truth row and are ignored, first ${describeKey(prediction, idColumns, firstExtra)}`,
    });
  }
  if (firstDuplicate !== undefined) {
    warnings.push({
      code: 'duplicate_ids_scored',
      detail: `data row ${firstDuplicate + 1} repeats ${describeKey(prediction, idColumns, firstDuplicate)}; the published evaluator scores every joined row${firstUnmatched === undefined ? '' : `, while ${describeKey(truth, idColumns, firstUnmatched)} has no prediction`}`,
    });
  }
  return { ok: true, pairs, warnings };
}
