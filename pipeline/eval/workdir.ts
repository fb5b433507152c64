import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { readInside } from '../util/inside.ts';

/**
 * A run's work folder: a fresh temp folder holding only the task's needed files, copied from
 * `databases/<task>/source/` (never anything from verify/). `noData` leaves it empty.
 */
export async function makeWorkFolder(options: {
  release: string;
  task: string;
  files: readonly string[];
  noData: boolean;
  maxFileBytes: number;
}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dare-forge-eval-'));
  if (options.noData) return dir;
  const source = join(options.release, 'databases', options.task, 'source');
  try {
    for (const name of options.files) {
      const read = await readInside(source, name, options.maxFileBytes);
      if (!read.ok)
        throw new UserError(
          `${options.task}: needed file source/${name} cannot be copied (${read.reason}: ${read.detail}); rebuild the release.`,
          1,
        );
      await writeFile(join(dir, name), read.bytes, { flag: 'wx' });
    }
  } catch (error) {
    await removeWorkFolder(dir);
    throw error;
  }
  return dir;
}

export function removeWorkFolder(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}
