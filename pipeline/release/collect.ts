import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import type { TaskVerdict } from '../stages/verify/schema.ts';
import { compareText } from '../util/order.ts';

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

/**
 * Published all_metadata.json files may hold NaN; read them leniently. Only bare tokens are
 * repaired: a title such as "Infinity War" keeps its words (strings are matched and kept).
 */
export function parseLenientJson(text: string): unknown {
  const repaired = text.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g, (token) =>
    token.startsWith('"') ? token : 'null',
  );
  return JSON.parse(repaired);
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

/** Reads a task's metadata (dates, licenses) from its verify/all_metadata.json. */
export async function describeTaskFolder(
  dir: string,
  entry: Record<string, unknown>,
  verdict: TaskVerdict | null,
  environment: Record<string, unknown> | null = null,
): Promise<ReleaseTask> {
  const parsedEntry = questionEntrySchema.parse(entry);
  const task = parsedEntry.file_path;
  const metadata = allMetadataSchema.parse(
    parseLenientJson(await readFile(join(dir, 'verify', 'all_metadata.json'), 'utf8')),
  );
  return {
    task,
    dataset: task.slice(0, task.lastIndexOf('_')),
    family: familyOf(task),
    dir,
    entry,
    lastUpdated: metadata.data_info?.lastUpdated ?? parsedEntry.lastUpdated ?? null,
    licenseIds: (metadata.meta_data?.licenses ?? []).map((l) => l.name),
    licenseName: metadata.data_info?.licenseName,
    title: metadata.meta_data?.title ?? metadata.data_info?.title ?? task,
    verdict,
    environment,
  };
}

/** Tasks of a corpus in the published layout (question_list.json + databases/). */
export async function collectCorpusTasks(corpusDir: string): Promise<ReleaseTask[]> {
  let entries: unknown;
  try {
    entries = JSON.parse(await readFile(join(corpusDir, 'question_list.json'), 'utf8'));
  } catch {
    throw new UserError(
      `${corpusDir}: no readable question_list.json; pass a folder in the published DARE-bench layout`,
    );
  }
  const list = z.array(z.record(z.string(), z.unknown())).parse(entries);
  const tasks: ReleaseTask[] = [];
  for (const entry of list) {
    const { file_path } = questionEntrySchema.parse(entry);
    tasks.push(await describeTaskFolder(join(corpusDir, 'databases', file_path), entry, null));
  }
  return tasks.sort((a, b) => compareText(a.task, b.task));
}
