import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { hashValue, sha256File } from '../../util/hash.ts';

/** The file this stage writes into a task folder: excluded from the folder's input hash. */
export const REFERENCE_PREDICTIONS = join('verify', 'simulated_pred_local.csv');

/** Task folder names under `tasksDir` (sorted), or none when it does not exist. */
export async function taskFolders(tasksDir: string): Promise<string[]> {
  try {
    const entries = await readdir(tasksDir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/** relative path -> sha256 of every file in a task folder except our own output. */
export async function taskFileHashes(taskDir: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  const entries = await readdir(taskDir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => relative(taskDir, join(e.parentPath, e.name)))
    .filter((path) => path !== REFERENCE_PREDICTIONS)
    .sort();
  for (const path of files) hashes[path] = await sha256File(join(taskDir, path));
  return hashes;
}

/** The digest a verdict records and release compares: the folder's files and their hashes. */
export async function taskFolderHash(taskDir: string): Promise<string> {
  return hashValue(await taskFileHashes(taskDir));
}
