import { lstat, mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, posix, sep } from 'node:path';
import { decodeFile, encodeFile } from './contract.ts';

/** A job-relative path made safe to join, or the reason it is refused. */
export function safeRelativePath(path: string): { ok: true; path: string } | { ok: false; reason: string } {
  if (path.length === 0 || path.includes('\0')) return { ok: false, reason: 'is empty or holds a NUL byte' };
  if (isAbsolute(path) || path.startsWith('\\')) return { ok: false, reason: 'is absolute' };
  const normal = posix.normalize(path.replaceAll('\\', '/'));
  if (normal === '.' || normal === '..' || normal.startsWith('../')) {
    return { ok: false, reason: 'leaves the job folder' };
  }
  return { ok: true, path: normal };
}

export class JobFileError extends Error {
  override readonly name = 'JobFileError';
}

/** Writes `files` (path -> base64) under `folder`, refusing paths that would escape it. */
export async function writeJobFiles(folder: string, files: Record<string, string>): Promise<void> {
  for (const [path, base64] of Object.entries(files)) {
    const safe = safeRelativePath(path);
    if (!safe.ok)
      throw new JobFileError(`files: path ${JSON.stringify(path)} ${safe.reason}; use a relative path`);
    const target = join(folder, safe.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, decodeFile(base64));
  }
}

/**
 * Reads the requested files back as base64. Missing ones are omitted (SandboxFusion does the
 * same). The job is dead by now, but it may have left symlinks: only regular files whose real
 * path stays inside the folder are returned, so a job cannot exfiltrate host files through us.
 */
export async function readJobFiles(
  folder: string,
  paths: readonly string[],
): Promise<Record<string, string>> {
  const root = await realpath(folder);
  const out: Record<string, string> = {};
  for (const path of paths) {
    const safe = safeRelativePath(path);
    if (!safe.ok) continue;
    const target = join(folder, safe.path);
    try {
      const stats = await lstat(target);
      const real = await realpath(target);
      if (!stats.isFile() || !(real === root || real.startsWith(root + sep))) continue;
      out[path] = encodeFile(await readFile(real));
    } catch {
      // absent (or vanished): omitted, like SandboxFusion
    }
  }
  return out;
}
