import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
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
