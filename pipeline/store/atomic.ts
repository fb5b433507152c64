import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
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
 * swapped in. The old folder is moved aside (`<temp>.old`) only after the fill completed, so a
 * kill at any point leaves what sweepTempFiles turns back into the old folder or the new one.
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
const swapOld = /^\.(.+)\.[0-9a-f]{12}\.tmp\.old$/;

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finishes a folder swap of replaceDirAtomic killed part-way, from what is on disk. `oldPath`
 * (`.<name>.<hex>.tmp.old`) is the previous folder, moved aside only once the new one (the
 * same path without `.old`) was completely filled. So: target in place -> the swap finished,
 * drop the old copy; target missing and new copy there -> move the new copy in; target and
 * new copy missing -> put the old copy back. No kill point loses both.
 */
export async function recoverSwap(oldPath: string): Promise<void> {
  const parent = dirname(oldPath);
  const match = swapOld.exec(basename(oldPath));
  if (!match?.[1]) return;
  const target = join(parent, match[1]);
  const filled = oldPath.slice(0, -'.old'.length);
  if (await exists(target)) {
    await rm(oldPath, { recursive: true, force: true });
  } else if (await exists(filled)) {
    await rename(filled, target);
    await rm(oldPath, { recursive: true, force: true });
  } else {
    await rename(oldPath, target);
  }
}

/**
 * Leftovers of a write or folder swap killed between temp and rename. A swap killed between
 * its renames is finished first (recoverSwap); what is left was never complete and is dropped.
 * `recursive` also looks inside subfolders (a dataset's processed folder).
 */
export async function sweepTempFiles(dir: string, recursive = true): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir, { recursive });
  } catch {
    return;
  }
  const leftovers = names.filter((name) => tempEntry.test(name));
  await sweepLeftovers(leftovers.map((name) => join(dir, name)));
}

/** Recovers interrupted swaps among `paths` (temp entries), then removes the rest. */
export async function sweepLeftovers(paths: readonly string[]): Promise<void> {
  for (const path of paths.filter((p) => p.endsWith('.tmp.old'))) await recoverSwap(path);
  await Promise.all(
    paths.filter((p) => !p.endsWith('.tmp.old')).map((p) => rm(p, { recursive: true, force: true })),
  );
}
