import type { RunRecord } from '../eval/record.ts';
import { columnFor, type Family, type Variant } from '../score/report.ts';
import { compareCodeUnits } from '../util/order.ts';
import { isSolved, validityThreshold } from './thresholds.ts';

/** What calibration reads of a run record. */
export type CalibrationRun = Pick<
  RunRecord,
  'task' | 'family' | 'variant' | 'repeat' | 'model' | 'score' | 'tool_calls' | 'no_data'
>;

export interface ModelCalibration {
  runs: number;
  solved: number;
  mean_score: number | null;
}

export interface TaskCalibration {
  task: string;
  family: Family;
  variant: Variant;
  column: string;
  threshold: number;
  /** Runs with the data files, over every model and repeat. */
  runs: number;
  solve_rate: number | null;
  mean_score: number | null;
  models: Record<string, ModelCalibration>;
  /** Runs without the data files (`eval --no-data`): solving one is a shortcut. */
  no_data_runs: number;
  no_data_solved: number;
  /** No run of any model solved it. */
  unsolved_by_all: boolean;
  /** Every model solved every run of it with at most one tool call. */
  trivial: boolean;
  /** Some model solved it without the data files. */
  shortcut: boolean;
}

export interface Calibration {
  format: 'dare-forge.calibration/1';
  models: string[];
  tasks: TaskCalibration[];
  counts: { tasks: number; unsolved_by_all: number; trivial: number; shortcut: number };
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;

function meanOf(values: readonly number[]): number | null {
  return values.length === 0 ? null : round(values.reduce((sum, v) => sum + v, 0) / values.length);
}

function calibrateTask(runs: readonly CalibrationRun[], models: readonly string[]): TaskCalibration {
  const first = runs[0];
  if (!first) throw new Error('calibrateTask needs at least one run');
  const { task, family, variant } = first;
  const solved = (run: CalibrationRun) => isSolved(family, variant, run.score);
  const withData = runs.filter((run) => !run.no_data);
  const noData = runs.filter((run) => run.no_data);
  const perModel: Record<string, ModelCalibration> = {};
  for (const model of models) {
    const own = withData.filter((run) => run.model === model);
    if (own.length === 0) continue;
    perModel[model] = {
      runs: own.length,
      solved: own.filter(solved).length,
      mean_score: meanOf(own.map((run) => run.score ?? 0)),
    };
  }
  const solvedRuns = withData.filter(solved);
  const everyModelRan = models.length > 0 && models.every((model) => perModel[model] !== undefined);
  return {
    task,
    family,
    variant,
    column: columnFor(family, variant).key,
    threshold: validityThreshold(family, variant),
    runs: withData.length,
    solve_rate: withData.length === 0 ? null : round(solvedRuns.length / withData.length),
    mean_score: meanOf(withData.map((run) => run.score ?? 0)),
    models: perModel,
    no_data_runs: noData.length,
    no_data_solved: noData.filter(solved).length,
    unsolved_by_all: withData.length > 0 && solvedRuns.length === 0,
    trivial: everyModelRan && withData.every((run) => solved(run) && run.tool_calls <= 1),
    shortcut: noData.some(solved),
  };
}

/**
 * Per task and variant: solve rate (score at or above the paper's validity threshold) and mean
 * score over every model and repeat, with the unsolved_by_all, trivial and shortcut flags. A
 * pure function of the run records: same records, same bytes.
 */
export function calibrate(records: readonly CalibrationRun[]): Calibration {
  const models = [...new Set(records.filter((r) => !r.no_data).map((r) => r.model))].sort(compareCodeUnits);
  const groups = new Map<string, CalibrationRun[]>();
  for (const record of records) {
    const key = `${record.task}\u0000${record.variant}`;
    groups.set(key, [...(groups.get(key) ?? []), record]);
  }
  const tasks = [...groups.keys()]
    .sort(compareCodeUnits)
    .map((key) => calibrateTask(groups.get(key) ?? [], models));
  return {
    format: 'dare-forge.calibration/1',
    models,
    tasks,
    counts: flagCounts(tasks),
  };
}

export type CalibrationCounts = Calibration['counts'];

/** How many calibrated tasks there are, and how many carry each flag (the file's and the audit's counts). */
export function flagCounts(
  tasks: readonly Pick<TaskCalibration, 'unsolved_by_all' | 'trivial' | 'shortcut'>[],
): CalibrationCounts {
  return {
    tasks: tasks.length,
    unsolved_by_all: tasks.filter((t) => t.unsolved_by_all).length,
    trivial: tasks.filter((t) => t.trivial).length,
    shortcut: tasks.filter((t) => t.shortcut).length,
  };
}
