import type { DuckDBInstance } from '@duckdb/node-api';
import { z } from 'zod';
import { checkInside, defaultReadLimits } from '../util/inside.ts';
import { type ReleaseTask, readTaskMetadata, saveFileTypes } from './collect.ts';
import type { TableFingerprint } from './groups.ts';
import { rowHash, sketch } from './minhash.ts';
import { readTableRows } from './rows.ts';

const questionSchema = z.looseObject({
  question: z.looseObject({
    target: z.array(z.string()).optional(),
    // A format name, never a path: it is joined into a file name below.
    save_file_type: z.enum(saveFileTypes).optional(),
  }),
});

async function taskQuestion(task: ReleaseTask) {
  return questionSchema.parse(await readTaskMetadata(task.dir, defaultReadLimits())).question;
}

/** The data file's path, only once it is known to be a regular file inside the task folder. */
async function dataFile(task: ReleaseTask, stem: string, format: string): Promise<string> {
  const checked = await checkInside(task.dir, `source/${stem}.${format}`, defaultReadLimits().maxFileBytes);
  if (!checked.ok)
    throw new Error(`${task.task}: source/${stem}.${format}: ${checked.reason}: ${checked.detail}`);
  return checked.path;
}

/** The clean full table of a task: train_v2 for tabular tasks, train.csv for time series. */
export async function tableFingerprint(
  task: ReleaseTask,
  duckdb: () => Promise<DuckDBInstance>,
  k: number,
): Promise<TableFingerprint> {
  const question = await taskQuestion(task);
  const file =
    task.family === 'ts'
      ? await dataFile(task, 'train', 'csv')
      : await dataFile(task, 'train_v2', question.save_file_type ?? 'csv');
  const table = await readTableRows(file, duckdb, 'train_set');
  return {
    dataset: task.dataset,
    columns: table.columns.map((c) => c.toLowerCase()).sort(),
    sketch: sketch(table.rows.map(rowHash), k),
  };
}

/**
 * Validation rows whose feature values equal a training row's exactly: a model can memorise
 * them. Compared on the columns both files share (targets and row_id excluded).
 */
export async function sharedTrainValRows(
  task: ReleaseTask,
  duckdb: () => Promise<DuckDBInstance>,
): Promise<number> {
  if (task.family === 'ts') return 0;
  const question = await taskQuestion(task);
  const format = question.save_file_type ?? 'csv';
  const train = await readTableRows(await dataFile(task, 'train_v2', format), duckdb, 'train_set');
  const val = await readTableRows(await dataFile(task, 'val_v2', format), duckdb, 'val_set');
  const targets = new Set(question.target ?? []);
  const shared = val.columns.filter((c) => c !== 'row_id' && !targets.has(c) && train.columns.includes(c));
  const pick = (columns: string[]) => shared.map((c) => columns.indexOf(c));
  const trainIdx = pick(train.columns);
  const valIdx = pick(val.columns);
  const trainHashes = new Set(train.rows.map((r) => rowHash(trainIdx.map((i) => r[i] ?? null))));
  return val.rows.filter((r) => trainHashes.has(rowHash(valIdx.map((i) => r[i] ?? null)))).length;
}
