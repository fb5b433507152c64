import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type Cell = string | number | null;

function csv(rows: readonly (readonly Cell[])[]): string {
  return `${rows.map((row) => row.map((cell) => (cell === null ? '' : String(cell))).join(',')).join('\n')}\n`;
}

/** A deterministic stream in [0, 1) (a small LCG): constructed tasks need no Math.random. */
export function stream(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Writes a csv DARE task folder: `source` and `verify` files as header + rows, plus its metadata. */
export async function writeTask(
  dir: string,
  question: Record<string, unknown>,
  files: Record<string, readonly (readonly Cell[])[]>,
): Promise<void> {
  await mkdir(join(dir, 'source'), { recursive: true });
  await mkdir(join(dir, 'verify'), { recursive: true });
  await writeFile(join(dir, 'verify', 'all_metadata.json'), JSON.stringify({ question }));
  for (const [path, rows] of Object.entries(files)) await writeFile(join(dir, path), csv(rows));
}

/**
 * A classification task on one feature x in [0, 10] (label a below 5, b above), with noise rows
 * at x = 100 labelled b: a tree never notices them, so skipping the range filter changes nothing.
 * The MM part carries `leak`, a copy of a random label, beside an unrelated feature with
 * missing and infinite values.
 */
export async function writeIrrelevantNoiseTask(
  dir: string,
  leakOf: (y: string, row: number) => string = (y) => y,
): Promise<void> {
  const label = (x: number) => (x < 5 ? 'a' : 'b');
  const train = Array.from({ length: 40 }, (_, i) => i * 0.25);
  const val = Array.from({ length: 20 }, (_, i) => 0.25 + i * 0.5);
  const noisy: Cell[][] = [];
  for (const [i, x] of train.entries()) {
    noisy.push([x, label(x)]);
    if (i % 5 === 0) noisy.push([100, 'b']);
  }
  const random = stream(7);
  const mmTrain = Array.from(
    { length: 60 },
    () => [random() < 0.5 ? 'a' : 'b', Math.round(random() * 100)] as const,
  );
  const mmVal = Array.from(
    { length: 20 },
    () => [random() < 0.5 ? 'a' : 'b', Math.round(random() * 100)] as const,
  );
  await writeTask(
    dir,
    {
      target: ['y'],
      problem_type: 'classification',
      selected_features: ['x'],
      column_type_inference: { x: 'numerical', y: 'categorical', leak: 'categorical', other: 'numerical' },
      expected_ranges: { x: [0, 10] },
      imputer_type: 'mean',
      model_type: 'DecisionTreeClassifier',
      random_state: 3,
      save_file_type: 'csv',
    },
    {
      'source/train_v1.csv': [['x', 'y'], ...noisy],
      'source/train_v1_no_err.csv': [['x', 'y'], ...train.map((x) => [x, label(x)])],
      'source/val_v1.csv': [['row_id', 'x'], ...val.map((x, i) => [i + 1, x])],
      // Missing and infinite values in `other` must not stop the single-column leak scores.
      'source/train_v2.csv': [
        ['other', 'leak', 'y'],
        ...mmTrain.map(([y, other], i) => [i % 7 === 0 ? null : i === 3 ? 'inf' : other, leakOf(y, i), y]),
      ],
      'source/val_v2.csv': [
        ['row_id', 'other', 'leak'],
        ...mmVal.map(([y, other], i) => [i + 1, other, leakOf(y, 60 + i)]),
      ],
      'verify/ground_truth.csv': [['row_id', 'y'], ...mmVal.map(([y], i) => [i + 1, y])],
    },
  );
}

/** A regression task whose MM target is noise: nothing beats predicting the mean. */
export async function writeUnlearnableTask(dir: string): Promise<void> {
  const random = stream(11);
  const rows = (n: number) => Array.from({ length: n }, () => [random() * 10, random() * 10] as const);
  const train = rows(60);
  const val = rows(20);
  await writeTask(
    dir,
    {
      target: ['y'],
      problem_type: 'regression',
      selected_features: ['x'],
      column_type_inference: { x: 'numerical', y: 'numerical' },
      expected_ranges: { x: [0, 10] },
      imputer_type: 'mean',
      model_type: 'LinearRegression',
      random_state: 1,
      save_file_type: 'csv',
    },
    {
      'source/train_v1.csv': [['x', 'y'], ...train, [-50, 3]],
      'source/train_v1_no_err.csv': [['x', 'y'], ...train],
      'source/val_v1.csv': [['row_id', 'x'], ...val.map(([x], i) => [i + 1, x])],
      'source/train_v2.csv': [['x', 'y'], ...train],
      'source/val_v2.csv': [['row_id', 'x'], ...val.map(([x], i) => [i + 1, x])],
      'verify/ground_truth.csv': [['row_id', 'y'], ...val.map(([, y], i) => [i + 1, y])],
    },
  );
}

/** A time-series task whose future target never moves. */
export async function writeConstantSeriesTask(dir: string): Promise<void> {
  const days = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => `2024-01-${String(from + i).padStart(2, '0')}`);
  const history = days(1, 20).map((day, i) => [day, 10 + (i % 7), i]);
  const future = days(21, 7);
  await writeTask(
    dir,
    { target: ['sales'], problem_type: 'time_series_analysis', time_column: 'date', time_format: '%Y-%m-%d' },
    {
      'source/train.csv': [['date', 'sales', 'visits'], ...history],
      'verify/ground_truth_v1.csv': [['row_id', 'sales'], ...future.map((_, i) => [i + 1, 42])],
      'verify/ground_truth_v2.csv': [['date', 'sales'], ...future.map((day) => [day, 42])],
    },
  );
}
