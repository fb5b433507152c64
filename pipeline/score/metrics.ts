import type { Pair } from './align.ts';
import type { Column, Value } from './frame.ts';
import { allClose, macroF1, r2Score } from './numeric.ts';
import { columnFor, type Family, type Metric, type Reason, type Variant } from './report.ts';

export interface TargetOutcome {
  score: number;
  raw: number | null;
  reason: Reason | null;
  detail: string | null;
}

export function metricFor(family: Family, variant: Variant): Metric {
  return columnFor(family, variant).metric;
}

const zero = (reason: Reason, detail: string): TargetOutcome => ({ score: 0, raw: null, reason, detail });

function show(value: Value): string {
  return value === null ? 'NA' : typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** Python `==` between two cells of pandas columns; NaN equals nothing. */
function sameValue(a: Value, b: Value): boolean {
  return a !== null && b !== null && typeof a === typeof b && a === b;
}

function numbersOf(values: readonly Value[]): number[] | null {
  const numbers = values.filter((v): v is number => typeof v === 'number');
  return numbers.length === values.length ? numbers : null;
}

function firstText(column: Column): string {
  return show(column.values.find((v) => typeof v === 'string') ?? null);
}

/**
 * Scores one target column over the aligned rows. Each failure the published evaluator
 * meets as an exception (caught there as 0, or a crash) is a 0 with its own reason here.
 */
export function scoreTarget(
  metric: Metric,
  truth: Column,
  prediction: Column,
  pairs: readonly Pair[],
): TargetOutcome {
  const truthValues = pairs.map((p) => truth.values[p.truthRow] ?? null);
  const predictedValues = pairs.map((p) => prediction.values[p.predictionRow] ?? null);
  const missing = predictedValues.filter((v) => v === null).length;
  const missingDetail = `${missing} of ${pairs.length} predictions are empty or NA`;

  if (metric === 'exact_match') {
    const differing = truthValues.flatMap((t, i) => (sameValue(t, predictedValues[i] ?? null) ? [] : [i]));
    const [first] = differing;
    if (first === undefined) return { score: 1, raw: null, reason: null, detail: null };
    const detail = `${differing.length} of ${pairs.length} predictions differ from the reference, first: expected ${show(truthValues[first] ?? null)}, got ${show(predictedValues[first] ?? null)}`;
    return zero('mismatch', detail);
  }

  if (metric === 'macro_f1') {
    if (missing > 0) return zero('missing_values', missingDetail);
    if (truthValues.includes(null)) return zero('missing_values', 'the ground truth has NA labels');
    if (truth.kind !== prediction.kind) {
      return zero(
        'label_type_mix',
        `the labels are ${truth.kind === 'number' ? 'numbers' : 'text'} but predictions hold ${prediction.kind === 'number' ? 'only numbers' : `text such as ${firstText(prediction)}`}`,
      );
    }
    const fractional = [...truthValues, ...predictedValues].find(
      (v) => typeof v === 'number' && !Number.isInteger(v),
    );
    if (fractional !== undefined)
      return zero(
        'continuous_labels',
        `class labels must be whole numbers or text, found ${show(fractional)}`,
      );
    return {
      score: macroF1(truthValues.map((t, i) => [t ?? '', predictedValues[i] ?? ''])),
      raw: null,
      reason: null,
      detail: null,
    };
  }

  if (prediction.kind === 'string')
    return zero('non_numeric_values', `text in a numeric target, such as ${firstText(prediction)}`);
  if (truth.kind === 'string')
    return zero('non_numeric_values', `the ground truth holds text such as ${firstText(truth)}`);
  if (missing > 0) return zero('missing_values', missingDetail);
  const truthNumbers = numbersOf(truthValues);
  const predictedNumbers = numbersOf(predictedValues);
  if (truthNumbers === null || predictedNumbers === null)
    return zero('missing_values', 'the ground truth has NA values');

  if (metric === 'allclose') {
    const far = allClose(truthNumbers, predictedNumbers);
    if (far === 0) return { score: 1, raw: null, reason: null, detail: null };
    return zero(
      'not_close',
      `${far} of ${pairs.length} predictions are not allclose (rtol 1e-5, atol 1e-8) to the reference`,
    );
  }

  const infinite = predictedNumbers.find((v) => !Number.isFinite(v));
  if (infinite !== undefined)
    return zero('non_finite_values', `R^2 needs finite predictions, found ${show(infinite)}`);
  if (pairs.length < 2) return zero('too_few_rows', `R^2 is undefined for ${pairs.length} row(s)`);
  const raw = r2Score(truthNumbers, predictedNumbers);
  return { score: Math.min(1, Math.max(0, raw)), raw, reason: null, detail: null };
}
