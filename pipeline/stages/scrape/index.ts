import { mkdir, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Context } from '../../context.ts';
import { errorMessage, Rejection, UserError } from '../../errors.ts';
import { type DatasetId, datasetIdFromRef } from '../../ids.ts';
import type { StageSummary } from '../../progress.ts';
import { runStage, type StageDefinition } from '../../runner.ts';
import { inShard } from '../../shard.ts';
import { sourceFor } from '../../sources/index.ts';
import type { KaggleListItem } from '../../sources/shapes.ts';
import type { Source } from '../../sources/source.ts';
import { replaceDirAtomic, sweepLeftovers, writeJsonAtomic } from '../../store/atomic.ts';
import { ok } from '../../store/outcome.ts';
import { sha256File } from '../../util/hash.ts';
import { didYouMean } from '../../util/suggest.ts';
import type { StageRunOptions } from '../registry.ts';

/** Scrape's own setting: a source kind other than source.kind. */
export type ScrapeOptions = StageRunOptions<{ source?: Source['kind'] }>;

/**
 * The listing fields that mean "the dataset changed" (counters like viewCount do not). An
 * owner can edit the title, description, license or tags without a new version: those land in
 * listing.json and metadata.json, which build copies into every task, so they count too.
 */
export function listingIdentity(item: KaggleListItem) {
  return {
    ref: item.ref,
    lastUpdated: item.lastUpdated ?? null,
    currentVersionNumber: item.currentVersionNumber ?? null,
    totalBytes: item.totalBytes ?? null,
    title: item.title ?? null,
    subtitle: item.subtitle ?? null,
    description: item.description ?? null,
    licenseName: item.licenseName ?? null,
    tags: item.tags ?? null,
  };
}

export function scrapeDefinition(
  source: Source,
  items: ReadonlyMap<DatasetId, KaggleListItem>,
  collisions: ReadonlyMap<DatasetId, readonly string[]> = new Map(),
): StageDefinition {
  const itemOf = (id: DatasetId) => {
    const item = items.get(id);
    if (!item) throw new Error(`scrape: no listing for ${id}`);
    return item;
  };
  return {
    stage: 'scrape',
    code: { modules: [import.meta.url], packages: ['yauzl'] },
    async inputs(ctx, id) {
      const refs = collisions.get(id);
      if (refs) {
        throw new Rejection(
          'id_collision',
          `refs ${refs.join(' and ')} map to the same dataset folder (${refs.map((r) => datasetIdFromRef(r)).join(', ')}): ` +
            'neither is scraped, so one cannot overwrite the other; pick one with --only or drop the other from the source',
        );
      }
      const item = itemOf(id);
      return {
        source: source.kind,
        listing: listingIdentity(item),
        fingerprint: source.fingerprint ? await source.fingerprint(ctx, item) : null,
      };
    },
    async process(ctx, id) {
      const item = itemOf(id);
      const target = ctx.paths.rawDir(id);
      const metadata = await source.metadata(ctx, item.ref);
      if (metadata.errorMessage)
        throw new Rejection('source_error', `metadata of ${item.ref}: ${metadata.errorMessage}`);
      let files: { path: string; bytes: number; sha256: string }[] = [];
      await replaceDirAtomic(target, async (temp) => {
        const filesDir = join(temp, 'files');
        await mkdir(filesDir, { recursive: true });
        await source.download(ctx, item, filesDir);
        files = await describeFiles(filesDir);
        if (files.length === 0) throw new Rejection('no_files', `${item.ref} has no files`);
        await writeJsonAtomic(join(temp, 'listing.json'), item);
        await writeJsonAtomic(join(temp, 'metadata.json'), metadata);
        await writeJsonAtomic(join(temp, 'scrape.json'), {
          ref: item.ref,
          source: source.kind,
          version: item.currentVersionNumber ?? null,
          last_updated: item.lastUpdated ?? null,
          files,
        });
      });
      const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
      return {
        outcome: ok(`${files.length} file(s), ${bytes} bytes`),
        artifacts: [join(target, 'scrape.json'), join(target, 'metadata.json'), join(target, 'listing.json')],
      };
    },
  };
}

async function describeFiles(filesDir: string): Promise<{ path: string; bytes: number; sha256: string }[]> {
  const names = (await readdir(filesDir, { recursive: true })).sort();
  const files = [];
  for (const name of names) {
    const full = join(filesDir, name);
    const info = await stat(full);
    if (!info.isFile()) continue;
    files.push({ path: relative(filesDir, full), bytes: info.size, sha256: await sha256File(full) });
  }
  return files;
}

/** Scrapes the given list items: the shared path of `scrape` and `add`. */
export async function scrapeDatasets(
  ctx: Context,
  source: Source,
  items: readonly KaggleListItem[],
  options: { force?: boolean } = {},
): Promise<StageSummary> {
  const byId = new Map<DatasetId, KaggleListItem>();
  for (const item of items) {
    // A malformed ref in a listing is that item's problem, not the run's.
    let id: DatasetId;
    try {
      id = datasetIdFromRef(item.ref);
    } catch (error) {
      ctx.logger.warn(`scrape: skipping listing item: ${errorMessage(error)}`);
      continue;
    }
    byId.set(id, byId.get(id) ?? item);
  }
  const collisions = idCollisions(items);
  await sweepOwnTempDirs(ctx, new Set(byId.keys()));
  return runStage(ctx, scrapeDefinition(source, byId, collisions), [...byId.keys()], options);
}

/**
 * Distinct refs whose dataset ids are equal (`a_b/c` and `a/b_c`), or equal but for case (one
 * folder on a case-insensitive disk): id -> every ref of its group, sorted.
 */
export function idCollisions(items: readonly KaggleListItem[]): Map<DatasetId, string[]> {
  const groups = new Map<string, Map<string, DatasetId>>();
  for (const item of items) {
    let id: DatasetId;
    try {
      id = datasetIdFromRef(item.ref);
    } catch {
      continue;
    }
    const key = id.toLowerCase();
    const group = groups.get(key) ?? new Map<string, DatasetId>();
    group.set(item.ref, id);
    groups.set(key, group);
  }
  const out = new Map<DatasetId, string[]>();
  for (const group of groups.values()) {
    if (group.size < 2) continue;
    const refs = [...group.keys()].sort();
    for (const id of group.values()) out.set(id, refs);
  }
  return out;
}

/**
 * Folder swaps killed mid-way leave `.<id>.<hex>.tmp` beside raw/<id>. Only this run's own
 * datasets are swept: another shard may be writing its own temp folders into a shared raw/.
 */
async function sweepOwnTempDirs(ctx: Context, ids: ReadonlySet<string>): Promise<void> {
  let names: string[];
  try {
    names = await readdir(ctx.paths.raw);
  } catch {
    return;
  }
  const leftovers = names.filter((name) => {
    const match = /^\.(.+)\.[0-9a-f]{12}\.tmp(\.old)?$/.exec(name);
    return match?.[1] !== undefined && ids.has(match[1]) && inShard(match[1], ctx.shard);
  });
  await sweepLeftovers(leftovers.map((name) => join(ctx.paths.raw, name)));
}

export async function run(ctx: Context, options: ScrapeOptions = {}): Promise<StageSummary> {
  const source = await sourceFor(ctx, options.extra?.source);
  let items = await source.list(ctx);
  const listed = items.map((item) => datasetIdFromRef(item.ref));
  if (ctx.config.source.max_datasets !== undefined) items = items.slice(0, ctx.config.source.max_datasets);
  if (options.only?.length) {
    const wanted = new Set<string>(options.only);
    const unknown = options.only.filter((id) => !listed.includes(id));
    if (unknown.length > 0) {
      throw new UserError(
        `unknown dataset ${unknown.map((id) => `"${id}"${didYouMean(id, listed)}`).join(', ')}: not in the ${ctx.config.source.kind} source's listing` +
          (ctx.config.source.kind === 'kaggle'
            ? '; add a Kaggle dataset with `dare-forge add owner/slug`'
            : ''),
      );
    }
    items = items.filter((item) => wanted.has(datasetIdFromRef(item.ref)));
  }
  return scrapeDatasets(ctx, source, items, options);
}
