import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InfraError } from '../errors.ts';

/**
 * Throws an InfraError (one line, exit 1) unless `dir` exists as a writable folder or can be
 * created: the nearest existing ancestor must be a folder we may write to. Creates nothing, so
 * a command that then finds nothing to do leaves no trace. `what` names the setting to change.
 */
export async function requireWritableDir(dir: string, what: string): Promise<void> {
  let existing = dir;
  for (;;) {
    const info = await stat(existing).catch((error: NodeJS.ErrnoException) => error);
    if (!(info instanceof Error)) {
      if (!info.isDirectory())
        throw new InfraError(
          `${what} ${dir}: cannot be created, ${existing} is a file, not a folder (ENOTDIR); point ${what} at a folder`,
        );
      break;
    }
    if ((info.code !== 'ENOENT' && info.code !== 'ENOTDIR') || dirname(existing) === existing)
      throw new InfraError(
        `${what} ${dir}: cannot reach ${existing} (${info.code}); point ${what} elsewhere`,
      );
    existing = dirname(existing);
  }
  try {
    await access(existing, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EACCES';
    const why = code === 'EROFS' ? 'is on a read-only file system' : 'is not writable';
    throw new InfraError(
      `${what} ${dir}: ${existing} ${why} (${code}); make it writable or point ${what} at another folder`,
    );
  }
}

const fsCodes: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'is a folder, not a file',
  EEXIST: 'a file is in the way',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
};

/**
 * One line for a file-system failure of the environment (not a bug): the path, what went
 * wrong and what to do. Undefined for any other error.
 */
export function fileSystemFailure(error: unknown): string | undefined {
  const { code, path, syscall } = (error ?? {}) as { code?: unknown; path?: unknown; syscall?: unknown };
  if (typeof code !== 'string' || typeof path !== 'string' || !(code in fsCodes)) return undefined;
  const action = typeof syscall === 'string' ? `${syscall} ` : '';
  return `cannot ${action}${path}: ${fsCodes[code]} (${code}); free or fix that path, or point the config or flag at a writable folder`;
}
