import type { BuildConfig } from '../../config/sections/build.ts';
import { Rejection } from '../../errors.ts';
import { buildableFeatures } from '../draft/rules.ts';
import type { TabularDecision } from '../draft/schema.ts';
import { interleave, makeNoiseRows } from './noise.ts';
import { Random } from './random.ts';
import { computeRange, type ExpectedRange, type FeatureType } from './ranges.ts';
import { assertScorable } from './scorable.ts';
import { type Cell, type Column, columnIndex, type SampledTable, type Table } from './table.ts';

export type FileFormat = 'csv' | 'sqlite' | 'parquet';

/** One table of an output file (csv and parquet files hold exactly one). */
export interface FileTable {
  name: string;
  columns: Column[];
  rows: Cell[][];
}

/** What the seeded choices decided for one tabular task: everything the question states. */
export interface TabularPlan {
  problemType: 'classification' | 'regression';
  targets: string[];
  targetCandidates: string[];
  relatedFeatures: string[];
  /** Features with an expected range, in the order the question states them. */
  ranges: Map<string, ExpectedRange>;
  selected: string[];
  numerical: string[];
  categorical: string[];
  columnTypes: Map<string, FeatureType>;
  trainTestRatio: number;
  format: FileFormat;
  imputer: string;
  model: string;
  randomState: number;
}

export interface TabularFiles {
  train_v1: FileTable[];
  train_v1_no_err: FileTable;
  val_v1: FileTable;
  train_v2: FileTable;
  val_v2: FileTable;
  ground_truth: FileTable;
}

export interface TabularBuild {
  plan: TabularPlan;
  files: TabularFiles;
  counts: { train: number; val: number; noise: number; blanked: number };
}

const rowIdColumn: Column = { name: 'row_id', kind: 'integer' };

/**
 * The seeded sample a tabular task is built from: the rows with a known target, shuffled, the
 * first build.max_rows of them. Returns indices into those rows; it depends only on their count,
 * so the build stage finds the rows by streaming the table (see source.ts).
 */
export function sampleOrder(
  knownRows: number,
  config: BuildConfig,
  corpusSeed: number,
  datasetId: string,
  family: 'class' | 'reg',
): Int32Array {
  const order = Random.for(corpusSeed, datasetId, `build:${family}:split`).shuffledIndices(knownRows);
  return order.slice(0, Math.min(knownRows, config.max_rows));
}

export const tabularFamily = (decision: TabularDecision) =>
  decision.problem_type === 'classification' ? ('class' as const) : ('reg' as const);

function sampleInHeap(
  table: Table,
  targetIdx: readonly number[],
  config: BuildConfig,
  corpusSeed: number,
  datasetId: string,
  family: 'class' | 'reg',
): Cell[][] {
  const known = table.rows.filter((row) => targetIdx.every((i) => row[i] !== null));
  return Array.from(
    sampleOrder(known.length, config, corpusSeed, datasetId, family),
    (k) => known[k] as Cell[],
  );
}

type Streams = (purpose: string) => Random;

/** `table` is the whole table, or a SampledTable already cut to the seeded sample. */
export function buildTabular(
  table: Table | SampledTable,
  decision: TabularDecision,
  config: BuildConfig,
  corpusSeed: number,
  datasetId: string,
): TabularBuild {
  const family = tabularFamily(decision);
  const random: Streams = (purpose) => Random.for(corpusSeed, datasetId, `build:${family}:${purpose}`);
  const targetIdx = decision.target.map((t) => columnIndex(table, t));
  const rows =
    'sampled' in table ? table.rows : sampleInHeap(table, targetIdx, config, corpusSeed, datasetId, family);
  if (rows.length < config.min_rows) {
    throw new Rejection(
      'too_few_rows',
      `${rows.length} rows with a known target; build.min_rows is ${config.min_rows}`,
    );
  }
  const menu = menuChoices(random('menu'), decision, config);
  const trainCount = Math.min(rows.length - 1, Math.max(1, Math.round(rows.length * menu.trainTestRatio)));
  const trainRows = rows.slice(0, trainCount);
  const valRows = rows.slice(trainCount);
  assertScorable(
    'v1 and v2',
    decision.problem_type === 'regression' ? 'r2' : 'macro_f1',
    decision.target,
    valRows.map((row) => targetIdx.map((i) => row[i] ?? null)),
    0,
  );
  const orderedRanges = random('ranges').shuffle(expectedRanges(table, decision, trainRows, config));
  const features = selectFeatures(orderedRanges, decision, config, random('features'));
  const plan: TabularPlan = {
    problemType: decision.problem_type,
    targets: [...decision.target],
    targetCandidates: [...decision.target_candidates],
    relatedFeatures: [...decision.related_features],
    ranges: new Map(orderedRanges),
    ...features,
    ...menu,
  };
  const training = noisyTrainingRows(table, decision, trainRows, orderedRanges, config, random);
  return {
    plan,
    files: tabularFiles(table, decision, plan, { trainRows, valRows, ...training }, config, random),
    counts: {
      train: trainRows.length,
      val: valRows.length,
      noise: training.noiseCount,
      blanked: training.blankedCount,
    },
  };
}

/** The menu picks, drawn in one fixed order from their own stream. */
function menuChoices(menu: Random, decision: TabularDecision, config: BuildConfig) {
  const trainTestRatio = menu.pick(config.train_test_ratio);
  const format = menu.weighted(formatWeights(config));
  const imputer = menu.pick(config.imputers);
  const model = menu.pick(
    decision.problem_type === 'classification' ? config.classification_models : config.regression_models,
  );
  return { trainTestRatio, format, imputer, model, randomState: menu.int(0, config.random_state_max) };
}

/** Each buildable feature's expected range over the training rows; a task needs at least one. */
function expectedRanges(
  table: Table,
  decision: TabularDecision,
  trainRows: readonly Cell[][],
  config: BuildConfig,
): [string, ExpectedRange][] {
  const rangeEntries: [string, ExpectedRange][] = [];
  for (const name of buildableFeatures(decision)) {
    const index = columnIndex(table, name);
    const type = decision.column_type_inference[name] ?? 'categorical';
    const storage = (table.columns[index] as Column).kind;
    const range = computeRange(
      trainRows.map((row) => row[index] ?? null),
      type,
      storage,
      config.max_range_categories,
    );
    if (range) rangeEntries.push([name, range]);
  }
  if (rangeEntries.length === 0) {
    throw new Rejection(
      'no_ranged_features',
      'no candidate feature has a usable expected range (numbers or few categories)',
    );
  }
  return rangeEntries;
}

/** The seeded share of the ranged features the question names, and their types. */
function selectFeatures(
  orderedRanges: readonly [string, ExpectedRange][],
  decision: TabularDecision,
  config: BuildConfig,
  pick: Random,
) {
  const rangedNames = orderedRanges.map(([name]) => name);
  const share =
    config.selected_fraction.min +
    pick.float() * (config.selected_fraction.max - config.selected_fraction.min);
  const selected = pick.shuffle(rangedNames).slice(0, Math.max(1, Math.round(rangedNames.length * share)));
  const typeOf = (name: string): FeatureType => decision.column_type_inference[name] ?? 'categorical';
  const columnTypes = new Map(Object.entries(decision.column_type_inference));
  for (const name of selected) columnTypes.set(name, typeOf(name));
  return {
    selected,
    numerical: selected.filter((n) => typeOf(n) === 'numerical'),
    categorical: selected.filter((n) => typeOf(n) === 'categorical'),
    columnTypes,
  };
}

/**
 * The instruction-following training rows: targets first, then the ranged features in the
 * stated order; some ranged cells blanked, then noise rows (out of range) mixed in.
 */
function noisyTrainingRows(
  table: Table,
  decision: TabularDecision,
  trainRows: readonly Cell[][],
  orderedRanges: readonly [string, ExpectedRange][],
  config: BuildConfig,
  random: Streams,
) {
  const ifIdx = [...decision.target, ...orderedRanges.map(([name]) => name)].map((n) =>
    columnIndex(table, n),
  );
  const ranged = orderedRanges.map(([, range], k) => ({ index: decision.target.length + k, range }));
  const cleanIf = trainRows.map((row) => ifIdx.map((i) => row[i] ?? null));
  const blank = random('missing');
  const blankedAt = blank.sampleIndices(cleanIf.length, Math.round(cleanIf.length * config.missing_fraction));
  for (const at of blankedAt) (cleanIf[at] as Cell[])[blank.pick(ranged).index] = null;
  const noiseRandom = random('noise');
  const noise = makeNoiseRows(
    cleanIf,
    {
      ranged,
      noiseCount: Math.round(cleanIf.length * config.noise_fraction),
      maxBrokenColumns: config.noise_max_broken_columns,
    },
    noiseRandom,
  );
  const noisy = interleave(cleanIf, noise, noiseRandom);
  return { ifIdx, cleanIf, noisy, noiseCount: noise.length, blankedCount: blankedAt.length };
}

/** The task's files: v1 (IF columns, noisy train), v2 (every column), the ground truth. */
function tabularFiles(
  table: Table,
  decision: TabularDecision,
  plan: TabularPlan,
  rows: { trainRows: Cell[][]; valRows: Cell[][]; ifIdx: number[]; cleanIf: Cell[][]; noisy: Cell[][] },
  config: BuildConfig,
  random: Streams,
): TabularFiles {
  const { trainRows, valRows, ifIdx } = rows;
  const columnsAt = (indices: readonly number[]) => indices.map((i) => table.columns[i] as Column);
  const cellsAt = (indices: readonly number[]) =>
    withRowId(valRows.map((row) => indices.map((i) => row[i] ?? null)));
  const ifColumns = columnsAt(ifIdx);
  const targetIdx = ifIdx.slice(0, decision.target.length);
  const valIdx = ifIdx.slice(decision.target.length);
  const nonTarget = table.columns.map((_, i) => i).filter((i) => !targetIdx.includes(i));
  return {
    train_v1: splitIntoTables(ifColumns, withRowId(rows.noisy), plan.format, random('tables'), config),
    train_v1_no_err: { name: 'train_set', columns: ifColumns, rows: rows.cleanIf },
    val_v1: { name: 'val_set', columns: [rowIdColumn, ...columnsAt(valIdx)], rows: cellsAt(valIdx) },
    train_v2: { name: 'train_set', columns: table.columns, rows: trainRows },
    val_v2: { name: 'val_set', columns: [rowIdColumn, ...columnsAt(nonTarget)], rows: cellsAt(nonTarget) },
    ground_truth: {
      name: 'ground_truth',
      columns: [rowIdColumn, ...columnsAt(targetIdx)],
      rows: cellsAt(targetIdx),
    },
  };
}

const withRowId = (cells: readonly Cell[][]) => cells.map((row, k) => [String(k + 1), ...row]);

function formatWeights(config: BuildConfig): [FileFormat, number][] {
  const w = config.file_format_weights;
  return [
    ['csv', w.csv],
    ['sqlite', w.sqlite],
    ['parquet', w.parquet],
  ];
}

/**
 * train_v1 as stored: csv and parquet drop row_id (one table); sqlite spreads the columns
 * over table_1..table_k, each keyed by row_id, to be joined back on it.
 */
function splitIntoTables(
  columns: Column[],
  rowsWithId: Cell[][],
  format: FileFormat,
  random: Random,
  config: BuildConfig,
): FileTable[] {
  if (format !== 'sqlite')
    return [{ name: 'train_set', columns, rows: rowsWithId.map((row) => row.slice(1)) }];
  const order = random.shuffle(columns.map((_, i) => i));
  const count = Math.min(order.length, random.int(config.sqlite_tables.min, config.sqlite_tables.max));
  const groups: number[][] = Array.from({ length: count }, () => []);
  order.forEach((columnAt, k) => {
    (groups[k % count] as number[]).push(columnAt);
  });
  return groups.map((group, t) => ({
    name: `table_${t + 1}`,
    columns: [rowIdColumn, ...group.map((i) => columns[i] as Column)],
    rows: rowsWithId.map((row) => [row[0] ?? null, ...group.map((i) => row[i + 1] ?? null)]),
  }));
}
