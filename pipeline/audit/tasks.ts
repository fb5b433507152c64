import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { type Check, checkSchema, taskVerdictSchema } from '../stages/verify/schema.ts';
import type { Paths } from '../store/paths.ts';
import { listDatasetDirs } from '../store/status.ts';
import { compareCodeUnits } from '../util/order.ts';

/**
 * Where a task ended: passed and rejected are verify's verdicts; declined and build_rejected
 * are draft/build decisions (no folder was built); not_verified means built, no verdict yet.
 */
export type TaskStatus =
  | 'passed'
  | 'rejected'
  | 'env_missing_pyarrow'
  | 'not_verified'
  | 'declined'
  | 'build_rejected';

export type Variant = 'v1' | 'v2' | 'v1+v2';

/** One task's outcome: the unit of the run summary, `audit` and the HTML report. */
export interface TaskRow {
  task: string;
  dataset: string;
  family: 'class' | 'reg' | 'ts';
  /** File format of the task tables (csv, parquet, ...), null when no folder was built. */
  format: string | null;
  status: TaskStatus;
  /** The stage that decided the status. */
  stage: 'build' | 'verify';
  /** The variant the failing check concerns; null when nothing failed. */
  variant: Variant | null;
  /** First failing check (verify) or null. */
  check: string | null;
  reason: string | null;
  detail: string | null;
  flags: string[];
  /** `<check>.<metric>` -> value, for sorting and charts. */
  scores: Record<string, number>;
  checks: Check[];
  /** train / eval in the newest release, null when not released. */
  split: string | null;
}

/**
 * IF checks judge v1 (the instruction-following variant, exact reference output); MM checks
 * judge v2 (free modelling); the rest judge the task folder as a whole.
 */
const checkVariant: Record<string, Variant> = {
  determinism: 'v1',
  prediction_shape: 'v1',
  range_filter: 'v1',
  discrimination: 'v1',
  instruction_checks: 'v1',
  learnable: 'v2',
  leak: 'v2',
};

export function variantOfCheck(name: string): Variant {
  return checkVariant[name] ?? 'v1+v2';
}

const familyOfKey: Record<string, TaskRow['family']> = {
  classification: 'class',
  regression: 'reg',
  time_series: 'ts',
};

const buildSchema = z.looseObject({
  verifiable_formats: z.array(z.string()).optional(),
  tasks: z.array(
    z.looseObject({
      task: z.string(),
      family: z.string(),
      status: z.string(),
      reason: z.string().optional(),
      detail: z.string().optional(),
    }),
  ),
});

const verdictFileSchema = z.looseObject({ tasks: z.array(taskVerdictSchema) });

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return null;
  }
}

async function tableFormat(taskDir: string): Promise<string | null> {
  try {
    const names = await readdir(join(taskDir, 'source'));
    const train = names.find((n) => /^train(_v1)?\.[A-Za-z0-9.]+$/.test(n));
    return train ? train.slice(train.indexOf('.') + 1) : null;
  } catch {
    return null;
  }
}

function familyOfTask(task: string): TaskRow['family'] {
  const suffix = task.slice(task.lastIndexOf('_') + 1);
  return suffix === 'class' || suffix === 'reg' ? suffix : 'ts';
}

function scoresOf(checks: readonly Check[]): Record<string, number> {
  const scores: Record<string, number> = {};
  for (const check of checks)
    for (const [metric, value] of Object.entries(check.metrics))
      if (Number.isFinite(value)) scores[`${check.name}.${metric}`] = value;
  return scores;
}

/** Every task of the given datasets (default: all under processed/), in task id order. */
export async function collectTasks(
  paths: Paths,
  ids?: readonly string[],
  splits: ReadonlyMap<string, string> = new Map(),
): Promise<TaskRow[]> {
  const rows: TaskRow[] = [];
  for (const dataset of ids ?? (await listDatasetDirs(paths.processed))) {
    const dir = join(paths.processed, dataset);
    const build = buildSchema.safeParse(await readJson(join(dir, 'build.json')));
    const verdict = verdictFileSchema.safeParse(await readJson(join(dir, 'verdict.json')));
    const verdicts = new Map((verdict.success ? verdict.data.tasks : []).map((t) => [t.task, t]));
    const built = new Set<string>();
    for (const record of build.success ? build.data.tasks : []) {
      if (record.status === 'built') {
        built.add(record.task);
        continue;
      }
      rows.push({
        task: record.task,
        dataset,
        family: familyOfKey[record.family] ?? familyOfTask(record.task),
        format: null,
        status: record.status === 'declined' ? 'declined' : 'build_rejected',
        stage: 'build',
        variant: null,
        check: null,
        reason: record.reason ?? null,
        detail: record.detail ?? null,
        flags: [],
        scores: {},
        checks: [],
        split: null,
      });
    }
    let folders: string[] = [];
    try {
      folders = (await readdir(join(dir, 'tasks'), { withFileTypes: true }))
        .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
        .map((d) => d.name);
    } catch {}
    for (const task of new Set([...built, ...folders])) {
      const v = verdicts.get(task);
      const failing = v?.checks.find((c) => c.status === 'fail') ?? null;
      const flagged = v?.checks.find((c) => c.status === 'flag') ?? null;
      const shown = failing ?? (v?.status === 'env_missing_pyarrow' ? null : flagged);
      rows.push({
        task,
        dataset,
        family: v?.family ?? familyOfTask(task),
        format: await tableFormat(join(dir, 'tasks', task)),
        status: v ? v.status : 'not_verified',
        stage: 'verify',
        variant: failing ? variantOfCheck(failing.name) : null,
        check: shown?.name ?? null,
        reason: v?.reasons[0] ?? (v?.status === 'env_missing_pyarrow' ? v.status : null),
        detail: shown?.detail ?? null,
        flags: v?.flags ?? [],
        scores: scoresOf(v?.checks ?? []),
        checks: v ? z.array(checkSchema).parse(v.checks) : [],
        split: splits.get(task) ?? null,
      });
    }
  }
  return rows.sort((a, b) => compareCodeUnits(a.task, b.task));
}

export interface TaskCounts {
  tasks: number;
  passed: number;
  rejected: number;
  /** reason -> count over rejected (and env_missing) tasks. */
  reasons: Record<string, number>;
}

/** Verify-level task counts: only tasks that reached verify (a folder was built). */
export function countTasks(rows: readonly TaskRow[]): TaskCounts {
  const verified = rows.filter((r) => r.stage === 'verify' && r.status !== 'not_verified');
  const reasons: Record<string, number> = {};
  for (const row of verified)
    if (row.status !== 'passed') {
      const key = row.reason ?? row.status;
      reasons[key] = (reasons[key] ?? 0) + 1;
    }
  return {
    tasks: verified.length,
    passed: verified.filter((r) => r.status === 'passed').length,
    rejected: verified.filter((r) => r.status === 'rejected').length,
    reasons: Object.fromEntries(Object.entries(reasons).sort(([a], [b]) => compareCodeUnits(a, b))),
  };
}

/** The formats build found the verifier can check, over every build.json (sorted, distinct). */
export async function verifiableFormats(paths: Paths): Promise<string[] | null> {
  const seen = new Set<string>();
  let any = false;
  for (const dataset of await listDatasetDirs(paths.processed)) {
    const build = buildSchema.safeParse(await readJson(join(paths.processed, dataset, 'build.json')));
    if (!build.success || !build.data.verifiable_formats) continue;
    any = true;
    for (const f of build.data.verifiable_formats) seen.add(f);
  }
  return any ? [...seen].sort() : null;
}
