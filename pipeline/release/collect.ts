import { join } from 'node:path';
import { z } from 'zod';
import { Rejection, UserError } from '../errors.ts';
import type { TaskVerdict } from '../stages/verify/schema.ts';
import {
  type CorpusReadLimits,
  checkInside,
  defaultReadLimits,
  listInside,
  readJsonInside,
} from '../util/inside.ts';
import { compareCodeUnits } from '../util/order.ts';

/** One task folder ready to release, whichever corpus it came from. */
export interface ReleaseTask {
  task: string;
  dataset: string;
  family: 'class' | 'reg' | 'ts';
  /** Folder holding source/ and verify/. */
  dir: string;
  /** The question_list.json entry, keys in published order. */
  entry: Record<string, unknown>;
  lastUpdated: string | null;
  /** License ids from the Kaggle metadata, and the list item's display name. */
  licenseIds: string[];
  licenseName: string | undefined;
  title: string;
  verdict: TaskVerdict | null;
  /** The environment the verdict was reached in (Python, library versions). */
  environment: Record<string, unknown> | null;
}

export const questionEntrySchema = z.looseObject({
  file_path: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*_(class|reg|ts)$/, 'a task folder name <owner>_<slug>_<class|reg|ts>'),
  question_v1: z.string(),
  question_v2: z.string(),
  task: z.enum(['classification', 'regression', 'time_series_analysis']),
  lastUpdated: z.string().nullable().optional(),
});

/** A task of a corpus left out of the release, and why (stable snake_case reason). */
export interface ReleaseRejection {
  task: string;
  reason: string;
  detail: string;
}

/** The data file formats a task may name in save_file_type (never a path of its own). */
export const saveFileTypes = ['csv', 'sqlite', 'parquet'] as const;

/**
 * A task's verify/all_metadata.json, read with the one lenient reader (published files hold
 * bare NaN) and only when it is a regular file inside the task folder, under the cap.
 */
export async function readTaskMetadata(dir: string, limits: CorpusReadLimits): Promise<unknown> {
  const read = await readJsonInside(dir, 'verify/all_metadata.json', limits.maxMetadataBytes);
  if (read.ok) return read.value;
  const invalid = read.reason === 'missing' || read.reason === 'not_json' || read.reason === 'too_deep';
  throw new Rejection(
    invalid ? 'invalid_metadata' : 'unsafe_file',
    `verify/all_metadata.json: ${read.reason}: ${read.detail}`,
  );
}

/** Every file of source/ and verify/ must be a regular file inside the task, under the cap. */
async function checkTaskFiles(dir: string, limits: CorpusReadLimits): Promise<void> {
  for (const part of ['source', 'verify']) {
    const listed = await listInside(dir, part, limits.maxFileBytes);
    // A missing folder is told by the files release needs (requireTables, metadata).
    if (!listed.ok && listed.reason !== 'missing') {
      throw new Rejection('unsafe_file', `${part}/: ${listed.reason}: ${listed.detail}`);
    }
  }
}

const allMetadataSchema = z.looseObject({
  data_info: z
    .looseObject({
      lastUpdated: z.string().optional(),
      licenseName: z.string().optional(),
      title: z.string().optional(),
    })
    .optional(),
  meta_data: z
    .looseObject({
      licenses: z
        .array(z.looseObject({ name: z.string() }))
        .nullable()
        .optional(),
      title: z.string().optional(),
    })
    .optional(),
});

export function familyOf(taskFolder: string): 'class' | 'reg' | 'ts' {
  const suffix = taskFolder.slice(taskFolder.lastIndexOf('_') + 1);
  if (suffix === 'class' || suffix === 'reg' || suffix === 'ts') return suffix;
  throw new UserError(`task folder ${taskFolder} does not end in _class, _reg or _ts`);
}

const saveFileTypeSchema = z.looseObject({
  question: z.looseObject({ save_file_type: z.enum(saveFileTypes).optional() }).optional(),
});

/**
 * Reads a task's metadata (dates, licenses) from its verify/all_metadata.json. Throws a
 * Rejection when the folder is unsafe (links, special or oversized files) or invalid.
 */
export async function describeTaskFolder(
  dir: string,
  entry: Record<string, unknown>,
  verdict: TaskVerdict | null,
  environment: Record<string, unknown> | null = null,
  limits: CorpusReadLimits = defaultReadLimits(),
  /** Reject a task lacking the tables release reads (third-party corpora; ours have them). */
  requireTables = false,
): Promise<ReleaseTask> {
  const parsedEntry = questionEntrySchema.safeParse(entry);
  if (!parsedEntry.success) {
    const issue = parsedEntry.error.issues[0];
    throw new Rejection(
      'invalid_entry',
      `question_list.json entry: ${issue?.path.join('.')}: ${issue?.message}`,
    );
  }
  const task = parsedEntry.data.file_path;
  await checkTaskFiles(dir, limits);
  const json = await readTaskMetadata(dir, limits);
  const format = saveFileTypeSchema.safeParse(json);
  if (!format.success) {
    throw new Rejection(
      'invalid_metadata',
      `verify/all_metadata.json question.save_file_type: must be one of ${saveFileTypes.join(', ')}`,
    );
  }
  // The tables release reads (decontamination): their absence rejects the task, not the release.
  const family = familyOf(task);
  const stems =
    family === 'ts'
      ? ['train.csv']
      : ['train_v2', 'val_v2'].map((s) => `${s}.${format.data.question?.save_file_type ?? 'csv'}`);
  for (const name of requireTables ? stems : []) {
    const checked = await checkInside(dir, `source/${name}`, limits.maxFileBytes);
    if (!checked.ok) {
      throw new Rejection(
        checked.reason === 'missing' ? 'missing_file' : 'unsafe_file',
        `source/${name}: ${checked.reason}: ${checked.detail}`,
      );
    }
  }
  const parsedMetadata = allMetadataSchema.safeParse(json);
  if (!parsedMetadata.success) {
    const issue = parsedMetadata.error.issues[0];
    throw new Rejection(
      'invalid_metadata',
      `verify/all_metadata.json ${issue?.path.join('.')}: ${issue?.message}`,
    );
  }
  const metadata = parsedMetadata.data;
  return {
    task,
    dataset: task.slice(0, task.lastIndexOf('_')),
    family,
    dir,
    entry,
    lastUpdated: metadata.data_info?.lastUpdated ?? parsedEntry.data.lastUpdated ?? null,
    licenseIds: (metadata.meta_data?.licenses ?? []).map((l) => l.name),
    licenseName: metadata.data_info?.licenseName,
    title: metadata.meta_data?.title ?? metadata.data_info?.title ?? task,
    verdict,
    environment,
  };
}

/**
 * Tasks of a corpus in the published layout (question_list.json + databases/). A task whose
 * entry, metadata or files are bad is rejected with a reason; the rest of the corpus goes on.
 */
export async function collectCorpusTasks(
  corpusDir: string,
  limits: CorpusReadLimits = defaultReadLimits(),
): Promise<{ tasks: ReleaseTask[]; rejected: ReleaseRejection[] }> {
  const read = await readJsonInside(corpusDir, 'question_list.json', limits.maxMetadataBytes);
  const list = read.ok ? z.array(z.record(z.string(), z.unknown())).safeParse(read.value) : null;
  if (!list?.success) {
    throw new UserError(
      `${corpusDir}: no readable question_list.json (${read.ok ? 'not a list of entries' : `${read.reason}: ${read.detail}`}); pass a folder in the published DARE-bench layout`,
    );
  }
  const tasks: ReleaseTask[] = [];
  const rejected: ReleaseRejection[] = [];
  for (const [index, entry] of list.data.entries()) {
    const name = typeof entry.file_path === 'string' ? entry.file_path : `entry ${index}`;
    try {
      const parsed = questionEntrySchema.safeParse(entry);
      const dir = join(corpusDir, 'databases', parsed.success ? parsed.data.file_path : '');
      tasks.push(await describeTaskFolder(dir, entry, null, null, limits, true));
    } catch (error) {
      if (!(error instanceof Rejection)) throw error;
      rejected.push({ task: name, reason: error.reason, detail: error.message });
    }
  }
  return {
    tasks: tasks.sort((a, b) => compareCodeUnits(a.task, b.task)),
    rejected: rejected.sort((a, b) => compareCodeUnits(a.task, b.task)),
  };
}
