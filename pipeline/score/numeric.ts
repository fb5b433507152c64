/**
 * The numeric kernels of the benchmark's metrics, written to give the same doubles as
 * numpy 1.24 / scikit-learn 1.2 (same operations in the same order), so a score computed
 * here equals the published evaluator's to the last bit on ordinary inputs.
 */

/**
 * numpy's float64 `add.reduce`: the array is fed to the inner loop in buffers of 8192
 * elements, each summed pairwise, and the buffer sums are added in order.
 */
export function sum(values: readonly number[]): number {
  let total = 0;
  for (let start = 0; start < values.length; start += 8192) {
    total += pairwiseSum(values, start, Math.min(8192, values.length - start));
  }
  return total;
}

/** numpy's pairwise summation of `count` elements from `start`. */
export function pairwiseSum(values: readonly number[], start = 0, count = values.length - start): number {
  const at = (i: number) => values[start + i] ?? Number.NaN;
  if (count < 8) {
    let sum = 0;
    for (let i = 0; i < count; i += 1) sum += at(i);
    return sum;
  }
  if (count <= 128) {
    let [r0, r1, r2, r3, r4, r5, r6, r7] = [at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7)];
    let i = 8;
    for (; i < count - (count % 8); i += 8) {
      r0 += at(i);
      r1 += at(i + 1);
      r2 += at(i + 2);
      r3 += at(i + 3);
      r4 += at(i + 4);
      r5 += at(i + 5);
      r6 += at(i + 6);
      r7 += at(i + 7);
    }
    let sum = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < count; i += 1) sum += at(i);
    return sum;
  }
  let half = Math.floor(count / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, count - half);
}

export function mean(values: readonly number[]): number {
  return sum(values) / values.length;
}

/**
 * sklearn `r2_score` for one output, finite inputs and at least two rows: a perfect fit is
 * 1 even for a constant truth, an imperfect fit of a constant truth is 0.
 */
export function r2Score(truth: readonly number[], predicted: readonly number[]): number {
  const truthMean = mean(truth);
  const numerator = sum(truth.map((t, i) => square(t - (predicted[i] ?? Number.NaN))));
  const denominator = sum(truth.map((t) => square(t - truthMean)));
  if (numerator === 0) return 1;
  if (denominator === 0) return 0;
  return 1 - numerator / denominator;
}

/** `np.allclose(truth, predicted)`: |t - p| <= 1e-8 + 1e-5 * |p|, infinities equal by sign. */
export function allClose(truth: readonly number[], predicted: readonly number[]): number {
  let far = 0;
  for (const [i, t] of truth.entries()) {
    const p = predicted[i] ?? Number.NaN;
    const close =
      Number.isFinite(t) && Number.isFinite(p) ? Math.abs(t - p) <= 1e-8 + 1e-5 * Math.abs(p) : t === p;
    if (!close) far += 1;
  }
  return far;
}

type Label = number | string;

function compareLabels(a: Label, b: Label): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Python equality on a label: numbers by value (1 == 1.0), strings by content. */
function labelKey(label: Label): string {
  return typeof label === 'number' ? `n${label}` : `s${label}`;
}

/**
 * sklearn `f1_score(truth, predicted, average="macro")` over (truth, predicted) label pairs:
 * per label in the sorted union of both label sets, F1 from precision and recall (each 0
 * where undefined), then the plain mean.
 */
export function macroF1(pairs: readonly (readonly [Label, Label])[]): number {
  const labels = new Map<string, Label>();
  for (const [t, p] of pairs) {
    labels.set(labelKey(t), t);
    labels.set(labelKey(p), p);
  }
  const counts = new Map<string, { hits: number; support: number; picked: number }>();
  for (const key of labels.keys()) counts.set(key, { hits: 0, support: 0, picked: 0 });
  for (const [t, p] of pairs) {
    const truthCount = counts.get(labelKey(t));
    const predictedCount = counts.get(labelKey(p));
    if (!truthCount || !predictedCount) continue;
    truthCount.support += 1;
    predictedCount.picked += 1;
    if (truthCount === predictedCount) truthCount.hits += 1;
  }
  const scores = [...labels.values()].sort(compareLabels).map((label) => {
    const { hits, support, picked } = counts.get(labelKey(label)) ?? { hits: 0, support: 0, picked: 0 };
    const precision = picked === 0 ? 0 : hits / picked;
    const recall = support === 0 ? 0 : hits / support;
    const denominator = precision + recall === 0 ? 1 : precision + recall;
    return (2 * precision * recall) / denominator;
  });
  return mean(scores);
}

function square(value: number): number {
  return value * value;
}
