import { describe, expect, it } from 'vitest';
import { buildSection } from '../../pipeline/config/sections/build.ts';
import { Rejection } from '../../pipeline/errors.ts';
import type { Cell, Table } from '../../pipeline/stages/build/table.ts';
import { buildTabular } from '../../pipeline/stages/build/tabular.ts';
import { buildTimeSeries } from '../../pipeline/stages/build/timeseries.ts';
import type { TimeSeriesDecision } from '../../pipeline/stages/draft/schema.ts';

const config = buildSection.parse({});

function rejection(run: () => unknown): Rejection {
  try {
    run();
  } catch (error) {
    if (error instanceof Rejection) return error;
    throw error;
  }
  throw new Error('no rejection');
}

const day = (k: number) => `2020-01-${String(k).padStart(2, '0')}`;
const series = (dates: string[], value: (k: number) => number): Table => ({
  columns: [
    { name: 'date', kind: 'text' },
    { name: 'sales', kind: 'float' },
    { name: 'price', kind: 'float' },
  ],
  rows: dates.map((date, k): Cell[] => [date, String(value(k)), String(10 + (k % 7))]),
});
const decision: TimeSeriesDecision = {
  time_column: 'date',
  time_format: '%Y-%m-%d',
  target: ['sales'],
  related_features: ['price'],
  entity_columns: [],
  column_type_inference: { sales: 'numeric', price: 'numeric' },
  resample: null,
};

describe('every built variant is scorable by the published evaluator', () => {
  it('builds a series whose validation rows fall on several times', () => {
    const dates = Array.from({ length: 31 }, (_, k) => day(k + 1));
    const built = buildTimeSeries(
      series(dates, (k) => (k * 37) % 11),
      decision,
      config,
      7,
      'me_sales',
    );
    expect(built.counts.val_v2).toBeGreaterThanOrEqual(2);
  });

  it('rejects a time series whose v2 validation is one row (R² would be nan)', () => {
    // Every row from the cut on carries the same date: v1 has many rows, v2 one forecast row.
    const dates = Array.from({ length: 40 }, (_, k) => (k < 25 ? day(k + 1) : day(28)));
    const error = rejection(() =>
      buildTimeSeries(
        series(dates, (k) => (k * 37) % 11),
        decision,
        config,
        7,
        'me_sales',
      ),
    );
    expect(error.reason).toBe('unscorable_validation');
    expect(error.message).toMatch(/^v2: 1 validation row\(s\) with a known "sales"/);
  });

  it('rejects a time series whose validation target is constant', () => {
    const dates = Array.from({ length: 31 }, (_, k) => day(k + 1));
    const error = rejection(() =>
      buildTimeSeries(
        series(dates, (k) => (k < 18 ? k : 5)),
        decision,
        config,
        7,
        'me_sales',
      ),
    );
    expect(error.reason).toBe('constant_ground_truth');
    expect(error.message).toMatch(/^v1: every validation value of "sales" is 5/);
  });

  it('rejects a regression whose validation target is constant', () => {
    const rows: Cell[][] = Array.from({ length: 60 }, (_, k) => [String(k % 9), k < 3 ? String(k) : '4']);
    const table: Table = {
      columns: [
        { name: 'x', kind: 'integer' },
        { name: 'y', kind: 'integer' },
      ],
      rows,
    };
    const error = rejection(() =>
      buildTabular(
        table,
        {
          problem_type: 'regression',
          target: ['y'],
          target_candidates: ['y'],
          related_features: ['x'],
          column_type_inference: { x: 'numerical', y: 'numerical' },
        },
        config,
        7,
        'me_flat',
      ),
    );
    // Three varying rows out of sixty: none falls in the (seeded) validation split.
    expect(error.reason).toBe('constant_ground_truth');
  });
});
