import type { BuildConfig } from '../../config/sections/build.ts';
import { Rejection } from '../../errors.ts';
import {
  compileFormat,
  FormatError,
  formatTime,
  isoWall,
  type ParsedTime,
  parseTime,
} from '../../util/strftime.ts';
import type { TimeSeriesDecision } from '../draft/schema.ts';
import { bucketLabel, resampleRuleHelp } from './buckets.ts';
import { Random } from './random.ts';
import { computeRange, type ExpectedRange } from './ranges.ts';
import { assertScorable } from './scorable.ts';
import { type Cell, type Column, columnIndex, type Table } from './table.ts';
import type { FileTable } from './tabular.ts';

export interface TimeSeriesPlan {
  targets: string[];
  timeColumn: string;
  timeFormat: string;
  entityColumns: string[];
  relatedFeatures: string[];
  ranges: Map<string, ExpectedRange>;
  selected: string[];
  columnTypes: Map<string, 'numeric' | 'object'>;
  resample: TimeSeriesDecision['resample'];
  trainTestRatio: number;
  randomState: number;
  predictionStartingTime: string;
}

export interface TimeSeriesBuild {
  plan: TimeSeriesPlan;
  files: {
    train: FileTable;
    val_v1: FileTable;
    ground_truth_v1: FileTable;
    val_v2: FileTable;
    ground_truth_v2: FileTable;
  };
  counts: { train: number; val: number; val_v2: number };
}

const rowIdColumn: Column = { name: 'row_id', kind: 'integer' };

type TimedRow = { row: Cell[]; time: ParsedTime };

export function buildTimeSeries(
  table: Table,
  decision: TimeSeriesDecision,
  config: BuildConfig,
  corpusSeed: number,
  datasetId: string,
): TimeSeriesBuild {
  const random = (purpose: string) => Random.for(corpusSeed, datasetId, `build:ts:${purpose}`);
  const timeIdx = columnIndex(table, decision.time_column);
  const targetIdx = decision.target.map((t) => columnIndex(table, t));
  const keyIdx = [timeIdx, ...decision.entity_columns.map((e) => columnIndex(table, e))];
  for (const i of targetIdx) {
    const column = table.columns[i] as Column;
    if (column.kind === 'text')
      throw new Rejection('ts_target_not_numeric', `time series target "${column.name}" is not numeric`);
  }
  const pattern = timePattern(decision.time_format);
  const parsed = parsedRows(table, timeIdx, pattern, decision, config);
  const menu = random('menu');
  const trainTestRatio = menu.pick(config.train_test_ratio);
  const { cut, trainRows, valRows } = chronologicalSplit(parsed, targetIdx, trainTestRatio, config);
  const ranges = expectedRanges(table, decision, trainRows, config);
  const pick = random('features');
  const share =
    config.selected_fraction.min +
    pick.float() * (config.selected_fraction.max - config.selected_fraction.min);
  const selected = pick.shuffle([...ranges.keys()]).slice(0, Math.round(ranges.size * share));
  // pandas anchors the resampling grid on the series' first instant (the training data's start).
  const origin = parsed.reduce((least, p) => Math.min(least, p.time.wall), Number.POSITIVE_INFINITY);
  const groups = groupForecast(valRows, keyIdx, targetIdx, decision, { origin, pattern });
  assertScorable(
    'v1',
    'r2',
    decision.target,
    valRows.map((p) => targetIdx.map((i) => p.row[i] ?? null)),
    0,
  );
  assertScorable(
    'v2',
    'r2',
    decision.target,
    groups.map((g) => g.values),
    0,
  );
  return {
    plan: {
      targets: [...decision.target],
      timeColumn: decision.time_column,
      timeFormat: decision.time_format,
      entityColumns: [...decision.entity_columns],
      relatedFeatures: [...decision.related_features],
      ranges,
      selected,
      columnTypes: new Map(Object.entries(decision.column_type_inference)),
      resample: decision.resample,
      trainTestRatio,
      randomState: menu.int(0, config.random_state_max),
      predictionStartingTime: isoWall(cut.time),
    },
    files: timeSeriesFiles(table, decision, { trainRows, valRows, groups }, keyIdx, targetIdx),
    counts: { train: trainRows.length, val: valRows.length, val_v2: groups.length },
  };
}

/** The rows whose time parses; too many that do not reject the task. */
function parsedRows(
  table: Table,
  timeIdx: number,
  pattern: RegExp,
  decision: TimeSeriesDecision,
  config: BuildConfig,
): TimedRow[] {
  const parsed: TimedRow[] = [];
  for (const row of table.rows) {
    const text = row[timeIdx] ?? null;
    const time = text === null ? null : parseTime(pattern, text);
    if (time) parsed.push({ row, time });
  }
  const unparsed = table.rows.length - parsed.length;
  if (unparsed > table.rows.length * config.ts_max_unparsed_fraction) {
    throw new Rejection(
      'ts_time_unparsed',
      `${unparsed} of ${table.rows.length} values of "${decision.time_column}" do not match time_format "${decision.time_format}"`,
    );
  }
  return parsed;
}

/**
 * Train is every row before the cut instant (in table order); validation is every row from it
 * on with known targets, in time order.
 */
function chronologicalSplit(
  parsed: readonly TimedRow[],
  targetIdx: readonly number[],
  trainTestRatio: number,
  config: BuildConfig,
) {
  const sorted = parsed
    .map((p, order) => ({ ...p, order }))
    .sort((a, b) => a.time.utc - b.time.utc || a.order - b.order);
  const cut = sorted[Math.min(sorted.length - 1, Math.round(sorted.length * trainTestRatio))];
  if (!cut) throw new Rejection('too_few_rows', 'the time series has no parseable rows');
  const trainRows = parsed.filter((p) => p.time.utc < cut.time.utc);
  const valRows = sorted.filter(
    (p) => p.time.utc >= cut.time.utc && targetIdx.every((i) => p.row[i] !== null),
  );
  if (trainRows.length < config.min_rows || valRows.length === 0) {
    throw new Rejection(
      'too_few_rows',
      `${trainRows.length} training and ${valRows.length} validation rows after the chronological split`,
    );
  }
  return { cut, trainRows, valRows };
}

/** Expected ranges of the related features (not the time or a target) over the training rows. */
function expectedRanges(
  table: Table,
  decision: TimeSeriesDecision,
  trainRows: readonly TimedRow[],
  config: BuildConfig,
): Map<string, ExpectedRange> {
  const excluded = new Set([decision.time_column, ...decision.target]);
  const rangeEntries: [string, ExpectedRange][] = [];
  for (const name of decision.related_features) {
    if (excluded.has(name)) continue;
    const index = columnIndex(table, name);
    const type = decision.column_type_inference[name] === 'numeric' ? 'numerical' : 'categorical';
    const values = trainRows.map((p) => p.row[index] ?? null);
    const range = computeRange(
      values,
      type,
      (table.columns[index] as Column).kind,
      config.max_range_categories,
    );
    if (range) rangeEntries.push([name, range]);
  }
  return new Map(rangeEntries);
}

/** v1 (row by row, with row ids) and v2 (one row per time bucket and entity) files. */
function timeSeriesFiles(
  table: Table,
  decision: TimeSeriesDecision,
  rows: { trainRows: TimedRow[]; valRows: TimedRow[]; groups: ForecastGroup[] },
  keyIdx: readonly number[],
  targetIdx: readonly number[],
): TimeSeriesBuild['files'] {
  const { trainRows, valRows, groups } = rows;
  const nonTarget = table.columns.map((_, i) => i).filter((i) => !targetIdx.includes(i));
  const targetColumns = targetIdx.map((i) => table.columns[i] as Column);
  const keyColumns = keyIdx.map((i) => table.columns[i] as Column);
  const floatTargets = targetColumns.map((c) => ({
    ...c,
    kind: decision.resample ? ('float' as const) : c.kind,
  }));
  return {
    train: { name: 'train', columns: table.columns, rows: trainRows.map((p) => p.row) },
    val_v1: {
      name: 'val_v1',
      columns: [rowIdColumn, ...nonTarget.map((i) => table.columns[i] as Column)],
      rows: valRows.map((p, k) => [String(k + 1), ...nonTarget.map((i) => p.row[i] ?? null)]),
    },
    ground_truth_v1: {
      name: 'ground_truth_v1',
      columns: [rowIdColumn, ...targetColumns],
      rows: valRows.map((p, k) => [String(k + 1), ...targetIdx.map((i) => p.row[i] ?? null)]),
    },
    val_v2: { name: 'val_v2', columns: keyColumns, rows: groups.map((g) => g.key) },
    ground_truth_v2: {
      name: 'ground_truth_v2',
      columns: [...keyColumns, ...floatTargets],
      rows: groups.map((g) => [...g.key, ...g.values]),
    },
  };
}

interface ForecastGroup {
  key: Cell[];
  sortTime: number;
  values: Cell[];
}

/**
 * CF rows: one per (time bucket, entity values). Resampled series aggregate the target with
 * the drafted method; otherwise duplicate keys (which would break the join-based scoring)
 * are averaged. Ordered by entity, then time.
 */
function groupForecast(
  rows: readonly TimedRow[],
  keyIdx: number[],
  targetIdx: number[],
  decision: TimeSeriesDecision,
  grid: { origin: number; pattern: RegExp },
): ForecastGroup[] {
  const groups = new Map<string, { key: Cell[]; sortTime: number; samples: Cell[][] }>();
  for (const { row, time } of rows) {
    let label = row[keyIdx[0] as number] ?? null;
    let sortTime = time.wall;
    if (decision.resample) {
      const bucket = bucketLabel(decision.resample.rule, time.wall, grid.origin);
      if (bucket === null)
        throw new Rejection(
          'ts_bad_resample_rule',
          `resample rule "${decision.resample.rule}" is not supported (${resampleRuleHelp})`,
        );
      label = formatTime(decision.time_format, bucket);
      // A label the time format cannot write (6h buckets of a daily format) would merge buckets.
      if (parseTime(grid.pattern, label)?.wall !== bucket)
        throw new Rejection(
          'ts_resample_finer_than_format',
          `resample rule "${decision.resample.rule}" makes bucket ${isoWall({ utc: bucket, wall: bucket, offset: '' })}, which time_format "${decision.time_format}" writes as "${label}"; choose a rule no finer than the format`,
        );
      sortTime = bucket;
    }
    const key = [label, ...keyIdx.slice(1).map((i) => row[i] ?? null)];
    const id = JSON.stringify(key);
    const group = groups.get(id) ?? { key, sortTime, samples: [] };
    group.samples.push(targetIdx.map((i) => row[i] ?? null));
    groups.set(id, group);
  }
  const method = decision.resample?.aggregation ?? 'mean';
  const out = [...groups.values()].map((g) => ({
    key: g.key,
    sortTime: g.sortTime,
    values: targetIdx.map((_, t) => {
      const column = g.samples.map((s) => s[t] ?? null);
      return g.samples.length === 1 && !decision.resample ? (column[0] ?? null) : aggregate(column, method);
    }),
  }));
  const entityKey = (g: ForecastGroup) => JSON.stringify(g.key.slice(1));
  return out.sort((a, b) =>
    entityKey(a) < entityKey(b) ? -1 : entityKey(a) > entityKey(b) ? 1 : a.sortTime - b.sortTime,
  );
}

function aggregate(values: Cell[], method: string): Cell {
  const numbers = values.filter((v): v is string => v !== null).map(Number);
  if (numbers.length === 0) return null;
  const result =
    method === 'sum'
      ? numbers.reduce((a, b) => a + b, 0)
      : method === 'first'
        ? (numbers[0] as number)
        : method === 'last'
          ? (numbers.at(-1) as number)
          : method === 'max'
            ? Math.max(...numbers)
            : method === 'min'
              ? Math.min(...numbers)
              : numbers.reduce((a, b) => a + b, 0) / numbers.length;
  return String(result);
}

/** The compiled time_format; a format the parser does not know rejects the task. */
function timePattern(format: string): RegExp {
  try {
    return compileFormat(format);
  } catch (error) {
    if (error instanceof FormatError)
      throw new Rejection('ts_bad_time_format', `time_format: ${error.message}`);
    throw error;
  }
}
