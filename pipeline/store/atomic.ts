import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { stableStringify } from '../util/hash.ts';

/**
 * Writes a file so that readers see either the old content or the new, never a torn one:
 * a temp file in the same folder (same filesystem), fsynced, then renamed over the target.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, data, { flush: true });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Pretty, key-sorted JSON with a trailing newline: byte-identical for equal values. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(JSON.parse(stableStringify(value)), null, 2)}\n`;
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, formatJson(value));
}

/**
 * Replaces a whole folder atomically: the caller fills a sibling temp folder, then it is
 * swapped in. A crash leaves either the old folder or the new one (plus a temp to sweep).
 */
export async function replaceDirAtomic(
  target: string,
  fill: (tempDir: string) => Promise<void>,
): Promise<void> {
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const temp = join(parent, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const old = `${temp}.old`;
  await mkdir(temp, { recursive: true });
  try {
    await fill(temp);
    await rename(target, old).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rename(temp, target);
    await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

const tempEntry = /(^|\/)\.[^/]+\.[0-9a-f]{12}\.tmp(\.old)?$/;

/**
 * Leftovers of a write or folder swap killed between temp and rename: never read, safe to
 * drop. `recursive` also looks inside subfolders (a dataset's processed folder).
 */
export async function sweepTempFiles(dir: string, recursive = true): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir, { recursive });
  } catch {
    return;
  }
  await Promise.all(
    names
      .filter((name) => tempEntry.test(name))
      .map((name) => rm(join(dir, name), { recursive: true, force: true })),
  );
}
