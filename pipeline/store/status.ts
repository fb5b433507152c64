import { readdir, readFile } from 'node:fs/promises';
import type { DatasetId } from '../ids.ts';
import { asDatasetId } from '../ids.ts';
import { writeJsonAtomic } from './atomic.ts';
import { type StatusRecord, statusRecordSchema } from './outcome.ts';
import type { Paths, StageName } from './paths.ts';

/** Reads a status record; a missing, torn or foreign file reads as "never ran". */
export async function readStatus(
  paths: Paths,
  stage: StageName,
  id: DatasetId,
): Promise<StatusRecord | undefined> {
  let text: string;
  try {
    text = await readFile(paths.statusFile(stage, id), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = statusRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function writeStatus(paths: Paths, record: StatusRecord): Promise<void> {
  await writeJsonAtomic(paths.statusFile(record.stage as StageName, asDatasetId(record.dataset)), record);
}

/** Datasets whose given stage ended ok, sorted by id: the input set of the next stage. */
export async function datasetsOkAt(paths: Paths, stage: StageName): Promise<DatasetId[]> {
  const ids = await listDatasetDirs(paths.processed);
  const okIds: DatasetId[] = [];
  for (const id of ids) {
    const status = await readStatus(paths, stage, id);
    if (status?.outcome.status === 'ok') okIds.push(id);
  }
  return okIds;
}

export async function listDatasetDirs(root: string): Promise<DatasetId[]> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return [];
  }
  return entries
    .filter((name) => !name.startsWith('.') && !name.startsWith('_'))
    .sort()
    .map((name) => asDatasetId(name));
}
