import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import { type Family, families, type Variant } from '../score/report.ts';
import { type CorpusReadLimits, readJsonInside } from '../util/inside.ts';
import { plainFileName } from './tool.ts';

const folderName = z
  .string()
  .regex(/^[^/\\]+$/, 'must be a folder name under databases/')
  .refine((name) => name !== '.' && name !== '..', 'must be a folder name under databases/');

const entrySchema = z.looseObject({
  file_path: folderName,
  task: z.enum(families),
  question_v1: z.string().min(1),
  question_v2: z.string().min(1),
  needed_files_v1: z.array(plainFileName),
  needed_files_v2: z.array(plainFileName),
});

export interface EvalTask {
  task: string;
  family: Family;
  questions: Record<Variant, string>;
  neededFiles: Record<Variant, string[]>;
}

/** The release's tasks (question_list.json), sorted by folder name. */
export async function readEvalTasks(release: string, limits: CorpusReadLimits): Promise<EvalTask[]> {
  const read = await readJsonInside(release, 'question_list.json', limits.maxMetadataBytes);
  if (!read.ok) {
    throw new UserError(
      read.reason === 'missing'
        ? `--release ${release}: no question_list.json there. Point --release at a release's eval/ folder (question_list.json + databases/).`
        : `${join(release, 'question_list.json')}: cannot be read (${read.reason}: ${read.detail}).`,
    );
  }
  const parsed = z.array(entrySchema).safeParse(read.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      `${join(release, 'question_list.json')}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}; each entry needs file_path, task, question_v1/v2 and needed_files_v1/v2.`,
    );
  }
  const byTask = new Map(parsed.data.map((entry) => [entry.file_path, entry]));
  return [...byTask.values()]
    .map((entry) => ({
      task: entry.file_path,
      family: entry.task,
      questions: { v1: entry.question_v1, v2: entry.question_v2 },
      neededFiles: { v1: entry.needed_files_v1, v2: entry.needed_files_v2 },
    }))
    .sort((a, b) => (a.task < b.task ? -1 : a.task > b.task ? 1 : 0));
}

/** The tasks --tasks names (all when absent); an unknown name is refused with the known ones. */
export function selectTasks(tasks: readonly EvalTask[], names: readonly string[] | undefined): EvalTask[] {
  if (!names || names.length === 0) return [...tasks];
  const known = new Set(tasks.map((task) => task.task));
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new UserError(
      `--tasks: ${unknown.join(', ')} not in this release (${tasks.length} tasks, e.g. ${tasks
        .slice(0, 3)
        .map((task) => task.task)
        .join(', ')}).`,
    );
  }
  return tasks.filter((task) => names.includes(task.task));
}
