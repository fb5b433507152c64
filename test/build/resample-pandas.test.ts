import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../pipeline/config/load.ts';
import { bucketLabel, parseResampleRule } from '../../pipeline/stages/build/buckets.ts';
import { buildTimeSeries } from '../../pipeline/stages/build/timeseries.ts';
import { validateTimeSeries } from '../../pipeline/stages/draft/validate.ts';
import { tableProfileSchema } from '../../pipeline/stages/profile/schema.ts';
import { formatTime } from '../../pipeline/util/strftime.ts';
import { stream } from '../verify/tasks.ts';

/** Rules build implements, with multiples for every calendar unit and anchors off midnight. */
const fineRules = ['S', 's', '90s', 'T', 'min', '7min', '15min', 'H', 'h', '5H', '1D', '2D', '3D'];
const calendarRules = [
  ...['3D', 'W', '2W', '3W', 'W-MON', '2W-WED', 'W-SAT'],
  ...['M', 'ME', '3M', '2M', '2ME', 'MS', '2MS', '5MS'],
  ...['Q', 'QE', '2Q', '2QE', 'QS', '3QS'],
  ...['Y', 'A', 'YE', '2Y', 'YS', 'AS', '3YS'],
];
const rules = [...fineRules, ...calendarRules];
/** Names of one offset across pandas versions: old pandas lacks ME/QE/YE, new pandas drops M/Q/Y/A/H/T/S. */
const aliases = [
  ['M', 'ME'],
  ['Q', 'QE'],
  ['Y', 'A', 'YE'],
  ['YS', 'AS'],
  ['H', 'h'],
  ['T', 'min'],
  ['S', 's'],
];

/** Series starting on awkward days: a month end, a Sunday, mid-quarter, a year start, a quarter end. */
const starts = [
  Date.UTC(2019, 1, 28, 13, 5, 17),
  Date.UTC(2020, 4, 17, 0, 0, 0),
  Date.UTC(2021, 7, 11, 22, 41, 3),
  Date.UTC(2022, 0, 1, 0, 0, 0),
  Date.UTC(2018, 8, 30, 9, 0, 0),
];

function series(start: number, seed: number, meanStepMs: number): number[] {
  const random = stream(seed);
  const out = [start];
  for (let i = 1; i < 250; i++)
    out.push((out.at(-1) as number) + Math.round(random() * 2 * meanStepMs) * 1000);
  return out;
}

/** Per timestamp, the label (epoch ms) of the pandas bucket holding it; null when pandas rejects the rule. */
function pandasLabels(seriesList: number[][], ruleList: string[]): (number[] | null)[][] {
  const script = `
import json, sys, warnings
import pandas as pd
warnings.simplefilter('ignore')
data = json.load(sys.stdin)
out = []
for ms in data['series']:
    s = pd.Series(range(len(ms)), index=pd.to_datetime(ms, unit='ms'))
    row = []
    for rule in data['rules']:
        try:
            counts = s.resample(rule).count()
        except ValueError:
            row.append(None)
            continue
        # s is sorted, so its rows fill the non-empty buckets in order.
        counts = counts[counts > 0]
        row.append([int(label.value // 10**6) for label, n in counts.items() for _ in range(n)])
    out.append(row)
print(json.dumps(out))
`;
  const text = execFileSync('/usr/bin/python3', ['-c', script], {
    input: JSON.stringify({ series: seriesList, rules: ruleList }),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return JSON.parse(text) as (number[] | null)[][];
}

const ours = (rule: string, times: number[]) => times.map((t) => bucketLabel(rule, t, times[0] as number));

describe('resampling buckets equal pandas resample', () => {
  // Steps of about 2.5 hours for fine rules, about 9 days for calendar rules, from each start.
  const fine = starts.map((start, i) => series(start, 10 + i, 9000));
  const coarse = starts.map((start, i) => series(start, 20 + i, 9 * 86_400));
  const cases = [
    ...fine.map((times) => ({ times, ruleList: fineRules })),
    ...coarse.map((times) => ({ times, ruleList: calendarRules })),
  ];
  const expected = cases.map(({ times, ruleList }) => pandasLabels([times], ruleList)[0] ?? []);

  it('labels every instant as pandas does (origin, closed/label, multiples), for every rule', () => {
    for (const [c, { times, ruleList }] of cases.entries()) {
      for (const [r, rule] of ruleList.entries()) {
        const fromPandas = expected[c]?.[r];
        if (fromPandas) {
          expect(ours(rule, times), `${rule} from ${new Date(times[0] as number).toISOString()}`).toEqual(
            fromPandas,
          );
          continue;
        }
        // This pandas does not know the name: another name of the same offset must match it.
        const [, count = '', unit = ''] = /^(\d*)(.*)$/.exec(rule) ?? [];
        const group = aliases.find((names) => names.includes(unit));
        const known = group
          ?.map((name) => ruleList.indexOf(`${count}${name}`))
          .find((index) => index >= 0 && expected[c]?.[index]);
        expect(known, `pandas knows no name of ${rule}`).toBeDefined();
        expect(ours(rule, times)).toEqual(expected[c]?.[known as number]);
      }
    }
  });

  it('anchors multi-period rules on the first instant, not on the epoch', () => {
    const times = coarse[0] as number[];
    const shifted = times.slice(3);
    const labels = (rule: string, xs: number[]) => xs.map((t) => bucketLabel(rule, t, xs[0] as number));
    // Starting three points later moves the 3M grid (as in pandas), not the 1M grid.
    expect(labels('1M', shifted)).toEqual(labels('1M', times).slice(3));
    const fromPandas = pandasLabels([shifted], ['3M', '3ME'])[0]?.find((l) => l !== null);
    expect(labels('3M', shifted)).toEqual(fromPandas);
  });
});

describe('draft accepts exactly the rules build implements', () => {
  const table = tableProfileSchema.parse({
    file: 't.csv',
    format: 'csv',
    bytes: 10,
    rows: 3,
    column_count: 2,
    dialect: null,
    columns: [
      {
        name: 'day',
        physical_type: 'VARCHAR',
        semantic_type: 'datetime',
        null_fraction: 0,
        null_count: 0,
        distinct_count: 3,
        min: '2020-01-01',
        max: '2020-01-03',
        mean: null,
        std: null,
        quantiles: null,
        top_values: [],
        datetime: {
          min: '2020-01-01',
          max: '2020-01-03',
          inferred_frequency: '1D',
          regularity: 1,
          format: '%Y-%m-%d',
        },
        avg_length: 10,
      },
      {
        name: 'y',
        physical_type: 'DOUBLE',
        semantic_type: 'numeric',
        null_fraction: 0,
        null_count: 0,
        distinct_count: 3,
        min: 0,
        max: 2,
        mean: 1,
        std: 1,
        quantiles: null,
        top_values: [],
        datetime: null,
        avg_length: null,
      },
    ],
    preview: [],
    warnings: [],
  });
  const accepted = (rule: string) =>
    validateTimeSeries(
      table,
      {
        target: ['y'],
        time_column: 'day',
        time_format: '%Y-%m-%d',
        entity_columns: [],
        related_features: [],
        column_type_inference: { day: 'object', y: 'numeric' },
        resample: { rule, aggregation: 'mean' },
      },
      { max_classes: 20, min_regression_distinct: 2, max_entities: 50 },
      () => ['2020-01-01', '2020-01-02', '2020-01-03'],
    ).every((issue) => issue.what !== 'resample_rule');

  it('takes every rule build labels and refuses every other (B, fortnightly, 0D, W-XYZ, BM)', () => {
    const day = Date.UTC(2020, 0, 1);
    for (const rule of [...rules, 'B', '2B', 'fortnightly', '0D', 'W-XYZ', 'BM', 'SM', '1.5H', 'D ', 'L']) {
      const built = bucketLabel(rule, day, day) !== null;
      expect(accepted(rule), rule).toBe(built);
      expect(parseResampleRule(rule) !== null, rule).toBe(built);
    }
    expect(accepted('B')).toBe(false);
    expect(accepted('2W')).toBe(true);
  });

  it('writes labels with the time format (a month end in a date format)', () => {
    const at = Date.UTC(2019, 1, 13, 17, 42);
    expect(formatTime('%Y-%m-%d', bucketLabel('2W', at, at) as number)).toBe('2019-02-17');
  });
});

describe('build refuses buckets its time format cannot write', () => {
  const parsed = parseConfigText('');
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const config = parsed.config.build;
  const days = Array.from({ length: 200 }, (_, i) =>
    formatTime('%Y-%m-%d', Date.UTC(2020, 0, 1) + i * 86_400_000),
  );
  const table = {
    columns: [
      { name: 'day', kind: 'text' as const },
      { name: 'y', kind: 'float' as const },
    ],
    rows: days.map((day, i) => [day, String(i % 17)]),
  };
  const decision = (rule: string) => ({
    target: ['y'],
    time_column: 'day',
    time_format: '%Y-%m-%d',
    entity_columns: [],
    related_features: [],
    column_type_inference: { day: 'object' as const, y: 'numeric' as const },
    resample: { rule, aggregation: 'mean' as const },
  });

  it('rejects weekly buckets of a monthly format (ts_resample_finer_than_format) and builds 2W ones', () => {
    // Monthly '%Y-%m' data: a weekly label (the Sunday after the 1st) has no '%Y-%m' spelling.
    const months = {
      columns: table.columns,
      rows: Array.from({ length: 120 }, (_, i) => [formatTime('%Y-%m', Date.UTC(2010, i, 1)), String(i % 5)]),
    };
    expect(() =>
      buildTimeSeries(months, { ...decision('W'), time_format: '%Y-%m' }, config, 1, 'a_b'),
    ).toThrow(expect.objectContaining({ reason: 'ts_resample_finer_than_format' }));
    expect(() =>
      buildTimeSeries(months, { ...decision('QS'), time_format: '%Y-%m' }, config, 1, 'a_b'),
    ).not.toThrow();
    const built = buildTimeSeries(table, decision('2W'), config, 1, 'a_b');
    const labels = built.files.ground_truth_v2.rows.map((row) => row[0]);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels.every((label) => new Date(`${label}T00:00:00Z`).getUTCDay() === 0)).toBe(true);
  });
});
