import { describe, expect, it } from 'vitest';
import { isDiverse, isValid, selectTraces, type Trace } from '../../pipeline/trajectories/select.ts';

function traces(
  family: Trace['family'],
  variant: Trace['variant'],
  scores: (number | null)[],
  task = 't',
): Trace[] {
  return scores.map((score, i) => ({ task, family, variant, sample: i + 1, score }));
}

describe('validity and diversity by the paper thresholds', () => {
  it('judges each column at its own threshold', () => {
    expect(isValid(traces('classification', 'v2', [0.8])[0] as Trace)).toBe(true);
    expect(isValid(traces('classification', 'v2', [0.79])[0] as Trace)).toBe(false);
    expect(isValid(traces('regression', 'v2', [0.7])[0] as Trace)).toBe(true);
    expect(isValid(traces('regression', 'v2', [0.69])[0] as Trace)).toBe(false);
    expect(isValid(traces('time_series_analysis', 'v1', [0.6])[0] as Trace)).toBe(true);
    expect(isValid(traces('time_series_analysis', 'v1', [0.59])[0] as Trace)).toBe(false);
    expect(isValid(traces('time_series_analysis', 'v2', [0.3])[0] as Trace)).toBe(true);
    expect(isValid(traces('time_series_analysis', 'v2', [0.29])[0] as Trace)).toBe(false);
    expect(isValid(traces('regression', 'v1', [0.99])[0] as Trace)).toBe(false);
    expect(isValid(traces('regression', 'v1', [null])[0] as Trace)).toBe(false);
  });

  it('calls IF diverse on both a 0 and a 1, predictive ones on the score variance', () => {
    expect(isDiverse(traces('classification', 'v1', [0, 1]))).toBe(true);
    expect(isDiverse(traces('classification', 'v1', [1, 1, null]))).toBe(false);
    // variance of [0.1, 0.9] is 0.16 >= 0.15; of [0.2, 0.9] 0.1225 < 0.15 but >= 0.1 (CF).
    expect(isDiverse(traces('classification', 'v2', [0.1, 0.9]))).toBe(true);
    expect(isDiverse(traces('classification', 'v2', [0.2, 0.9]))).toBe(false);
    expect(isDiverse(traces('time_series_analysis', 'v2', [0.2, 0.9]))).toBe(true);
    expect(isDiverse(traces('time_series_analysis', 'v1', [0.2, 0.9]))).toBe(false);
  });

  it('picks first, all, best and diverse valid traces', () => {
    const mixed = [
      ...traces('classification', 'v2', [0.5, 0.85, 0.95, 0.95], 'a'),
      ...traces('classification', 'v2', [0.82, 0.84], 'b'),
    ];
    const pick = (s: 'FV' | 'AV' | 'BV' | 'DV') => selectTraces(mixed, s).map((t) => `${t.task}${t.sample}`);
    expect(pick('FV')).toEqual(['a2', 'b1']);
    expect(pick('AV')).toEqual(['a2', 'a3', 'a4', 'b1', 'b2']);
    expect(pick('BV')).toEqual(['a3', 'b2']);
    // a: variance of [0.5, 0.85, 0.95, 0.95] is 0.034 < 0.15, so no task is diverse.
    expect(pick('DV')).toEqual([]);
    const spread = traces('regression', 'v2', [0, 0.9, 0.1, 0.8], 'c');
    expect(selectTraces(spread, 'DV').map((t) => t.sample)).toEqual([2, 4]);
  });
});
