import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { type CalibrationCounts, flagCounts } from '../calibrate/calibration.ts';
import { UserError } from '../errors.ts';
import { formatNumber } from './svg.ts';

/** What `dare-forge calibrate` wrote beside a release, as the audit reads it (zod: it is a file). */
const modelSchema = z.looseObject({
  runs: z.number(),
  solved: z.number(),
  mean_score: z.number().nullable(),
});

const taskSchema = z.looseObject({
  task: z.string(),
  family: z.string(),
  variant: z.enum(['v1', 'v2']),
  column: z.string(),
  threshold: z.number(),
  runs: z.number(),
  solve_rate: z.number().nullable(),
  mean_score: z.number().nullable(),
  models: z.record(z.string(), modelSchema),
  no_data_runs: z.number(),
  no_data_solved: z.number(),
  unsolved_by_all: z.boolean(),
  trivial: z.boolean(),
  shortcut: z.boolean(),
});

const fileSchema = z.looseObject({
  format: z.literal('dare-forge.calibration/1'),
  models: z.array(z.string()),
  tasks: z.array(taskSchema),
});

export type CalibratedTask = z.infer<typeof taskSchema>;

export interface AuditCalibration {
  /** The release version the calibration belongs to. */
  version: string;
  models: string[];
  tasks: CalibratedTask[];
  counts: CalibrationCounts;
}

export type CalibrationFlag = 'unsolved_by_all' | 'trivial' | 'shortcut';

/** What each calibration flag means, shown wherever a flag appears. */
export const calibrationFlagNotes: Readonly<Record<CalibrationFlag, string>> = {
  unsolved_by_all: 'no run of any model reached the validity threshold (too hard, or broken)',
  trivial: 'every model solved every run with at most one tool call (too easy to tell agents apart)',
  shortcut: 'a model solved it without the data files (the answer leaks from the question)',
};

export function calibrationFlags(task: CalibratedTask): CalibrationFlag[] {
  return (['unsolved_by_all', 'trivial', 'shortcut'] as const).filter((flag) => task[flag]);
}

/** `splits/<v>/calibration/calibration.json`, where `calibrate` writes it for release `<v>`. */
export function calibrationFile(splits: string, version: string): string {
  return join(splits, version, 'calibration', 'calibration.json');
}

/** The one line telling how to make the calibration the audit did not find. */
export function calibrationHint(splits: string, version: string): string {
  const release = relative(process.cwd(), join(splits, version, 'eval')) || '.';
  return `no calibration for release ${version}: make one with \`dare-forge calibrate --release ${release} --models scripted:reference,scripted:lazy\` (any models)`;
}

/** The newest release's calibration, or null when the release or its calibration file is absent. */
export async function readReleaseCalibration(
  splits: string,
  version: string | null | undefined,
): Promise<AuditCalibration | null> {
  if (!version) return null;
  const path = calibrationFile(splits, version);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parsed = fileSchema.safeParse(value);
  if (!parsed.success)
    throw new UserError(
      `${path} is not a calibration file (${parsed.error.issues[0]?.message ?? 'not JSON'}): delete it and run dare-forge calibrate again`,
    );
  const tasks = parsed.data.tasks;
  return { version, models: parsed.data.models, tasks, counts: flagCounts(tasks) };
}

/** Only the calibrated tasks of one dataset (task ids are `<dataset>_<type>`). */
export function calibrationOfDataset(calibration: AuditCalibration, dataset: string): AuditCalibration {
  const tasks = calibration.tasks.filter((t) => t.task.slice(0, t.task.lastIndexOf('_')) === dataset);
  return { ...calibration, tasks, counts: flagCounts(tasks) };
}

const figure = (value: number | null) => (value === null ? '-' : formatNumber(value));

/** Each model's solved/runs, e.g. `scripted:lazy 0/1, scripted:reference 1/1`. */
export function modelSummary(task: CalibratedTask): string {
  return Object.entries(task.models)
    .map(([model, m]) => `${model} ${m.solved}/${m.runs}`)
    .join(', ');
}

/** The calibration as a terminal section: one row per task and variant, then the flags explained. */
export function calibrationText(
  calibration: AuditCalibration,
  table: (header: string[], rows: (string | number)[][]) => string,
): string {
  const { counts } = calibration;
  const rows = calibration.tasks.map((t) => [
    t.task,
    t.variant,
    t.column,
    figure(t.solve_rate),
    figure(t.mean_score),
    t.runs,
    `${t.no_data_solved}/${t.no_data_runs}`,
    modelSummary(t),
    calibrationFlags(t).join(',') || '-',
  ]);
  const used = (['unsolved_by_all', 'trivial', 'shortcut'] as const).filter((flag) => counts[flag] > 0);
  return [
    `Calibration (release ${calibration.version}, ${calibration.models.length} model(s): ${calibration.models.join(', ')}; ${counts.tasks} task variant(s): ${counts.unsolved_by_all} unsolved by all, ${counts.trivial} trivial, ${counts.shortcut} shortcut)`,
    rows.length
      ? table(
          [
            'task',
            'variant',
            'column',
            'solve rate',
            'mean score',
            'runs',
            'no-data solved',
            'models (solved/runs)',
            'flags',
          ],
          rows,
        )
      : '(no calibrated task)',
    ...used.map((flag) => `  ${flag}: ${calibrationFlagNotes[flag]}`),
  ].join('\n');
}
