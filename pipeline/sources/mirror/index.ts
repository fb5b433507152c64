import { copyFile, lstat, mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import type { Context } from '../../context.ts';
import { Rejection, UserError } from '../../errors.ts';
import { parseRef } from '../../ids.ts';
import { sha256File } from '../../util/hash.ts';
import { type SelectPolicy, selectItems } from '../kaggle/selection.ts';
import { type KaggleListItem, kaggleListItemSchema, kaggleMetadataSchema } from '../shapes.ts';
import type { Source } from '../source.ts';

/**
 * A folder laid out like the Kaggle API's answers: index.json (list items),
 * <owner>/<slug>/metadata.json and <owner>/<slug>/files/. Offline runs and tests use it.
 * Its list keeps what the Kaggle source would keep: the same selection policy (licenses,
 * sizes, tags, ...) through the same function.
 */
export function createMirrorSource(root: string, policy: SelectPolicy): Source {
  const datasetDir = (ref: string) => {
    const { owner, slug } = parseRef(ref);
    return join(root, owner, slug);
  };
  return {
    kind: 'mirror',
    async list(ctx) {
      const indexPath = join(root, 'index.json');
      let text: string;
      try {
        text = await readFile(indexPath, 'utf8');
      } catch {
        throw new UserError(
          `mirror ${root}: no index.json there. Point source.mirror at a folder holding index.json and <owner>/<slug>/ folders`,
        );
      }
      const parsed = z.array(kaggleListItemSchema).safeParse(JSON.parse(text));
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        throw new UserError(`mirror ${indexPath}: [${first?.path.join('.')}] ${first?.message}`);
      }
      const { selected, dropped } = selectItems(parsed.data, policy);
      const counts = new Map<string, number>();
      for (const { ref, reason } of dropped) {
        counts.set(reason, (counts.get(reason) ?? 0) + 1);
        ctx.logger.debug(`mirror: ${ref} dropped (${reason})`);
      }
      const reasons = [...counts].map(([reason, count]) => `${reason} ${count}`).join(', ');
      ctx.logger.info(
        `mirror listing: ${selected.length} dataset(s) kept${reasons ? `; dropped: ${reasons}` : ''}`,
      );
      return selected;
    },
    async metadata(_ctx: Context, ref: string) {
      const path = join(datasetDir(ref), 'metadata.json');
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch {
        throw new Rejection('source_missing', `mirror has no ${path}`);
      }
      const parsed = kaggleMetadataSchema.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Rejection('bad_metadata', `${path}: ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    },
    async download(_ctx: Context, item: KaggleListItem, filesDir: string) {
      const from = join(datasetDir(item.ref), 'files');
      await copyRegularFiles(from, filesDir);
    },
    /** The contents of metadata.json and files/, so an edit inside the mirror rescrapes that dataset. */
    async fingerprint(_ctx: Context, item: KaggleListItem) {
      const dir = datasetDir(item.ref);
      const metadata = await sha256File(join(dir, 'metadata.json')).catch(() => null);
      const files: [string, string][] = [];
      await walkRegularFiles(join(dir, 'files'), async (path) => {
        files.push([relative(dir, path), await sha256File(path)]);
      }).catch(() => undefined);
      return { metadata, files };
    },
  };
}

/** Calls `visit` on every regular file below `dir`, in name order; links are not followed. */
async function walkRegularFiles(dir: string, visit: (path: string) => Promise<void>): Promise<void> {
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    const info = await lstat(path);
    if (info.isDirectory()) await walkRegularFiles(path, visit);
    else if (info.isFile()) await visit(path);
  }
}

/** Copies regular files only: links in a mirror are never followed out of it. */
async function copyRegularFiles(from: string, to: string): Promise<void> {
  try {
    await walkRegularFiles(from, async (path) => {
      const target = resolve(to, relative(from, path));
      await mkdir(dirname(target), { recursive: true });
      await copyFile(path, target);
    });
  } catch (error) {
    const { code, path } = error as NodeJS.ErrnoException;
    if (code === 'ENOENT' && path === from) throw new Rejection('no_files', `no files/ folder at ${from}`);
    throw error;
  }
}
