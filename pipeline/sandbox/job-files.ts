import { isAbsolute, posix } from 'node:path';

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

/**
 * The request's files keyed by safe job-relative paths (the worker writes them inside the
 * job's own sandbox), or the message naming the first path that would leave the job folder.
 */
export function jobFiles(
  files: Record<string, string>,
): { ok: true; files: Record<string, string> } | { ok: false; message: string } {
  const out: Record<string, string> = {};
  for (const [path, base64] of Object.entries(files)) {
    const safe = safeRelativePath(path);
    if (!safe.ok)
      return {
        ok: false,
        message: `files: path ${JSON.stringify(path)} ${safe.reason}; use a relative path`,
      };
    out[safe.path] = base64;
  }
  return { ok: true, files: out };
}
