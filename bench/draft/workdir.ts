import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../../pipeline/context.ts';
import { type DatasetId, datasetIdFromRef } from '../../pipeline/ids.ts';
import type { StageSummary } from '../../pipeline/progress.ts';
import { runStage } from '../../pipeline/runner.ts';
import { kaggleListItemSchema } from '../../pipeline/sources/shapes.ts';
import { profileStage } from '../../pipeline/stages/profile/index.ts';
import { writeJsonAtomic } from '../../pipeline/store/atomic.ts';

/** The Kaggle-shaped fixture mirror (read-only; never copied into the repository). */
export const fixtureMirror = new URL('../../../shared/fixtures/kaggle/', import.meta.url).pathname;

/**
 * Lays out raw/<id>/ for mirror datasets in a work folder (as the scrape stage would: listing,
 * metadata, files) and profiles them with the real profile stage.
 */
export async function profiledWorkdir(
  ctx: Context,
  refs?: readonly string[],
): Promise<{ ids: DatasetId[]; profile: StageSummary }> {
  const index = kaggleListItemSchema
    .array()
    .parse(JSON.parse(await readFile(join(fixtureMirror, 'index.json'), 'utf8')));
  // The index lists a dataset once per published task (one has two): draft each dataset once.
  const unique = [...new Map(index.map((item) => [item.ref, item])).values()];
  const items = refs ? unique.filter((item) => refs.includes(item.ref)) : unique;
  const ids: DatasetId[] = [];
  for (const item of items) {
    const id = datasetIdFromRef(item.ref);
    const source = join(fixtureMirror, item.ref);
    const rawDir = ctx.paths.rawDir(id);
    await mkdir(ctx.paths.rawFilesDir(id), { recursive: true });
    await writeJsonAtomic(join(rawDir, 'listing.json'), item);
    await copyFile(join(source, 'metadata.json'), join(rawDir, 'metadata.json'));
    for (const name of await readdir(join(source, 'files'))) {
      await copyFile(join(source, 'files', name), join(ctx.paths.rawFilesDir(id), name));
    }
    ids.push(id);
  }
  ids.sort();
  const profile = await runStage(ctx, profileStage, ids);
  return { ids, profile };
}
