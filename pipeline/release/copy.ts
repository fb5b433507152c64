import { cp, lstat } from 'node:fs/promises';

/**
 * Copies a task folder part (source/ or verify/) into a release. Collecting the task already
 * refused links and special files (util/inside.ts); this refuses them again at copy time so a
 * folder changed in between cannot slip a link (or a copy of what it points to) into splits/.
 */
export async function copyTaskPart(from: string, to: string): Promise<void> {
  await cp(from, to, {
    recursive: true,
    dereference: false,
    verbatimSymlinks: true,
    filter: async (source) => {
      const stats = await lstat(source);
      if (stats.isDirectory() || stats.isFile()) return true;
      throw new Error(
        `${source}: ${stats.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'} appeared while releasing; release again`,
      );
    },
  });
}
