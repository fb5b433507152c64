import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import type { Context } from '../context.ts';
import { Rejection, UserError } from '../errors.ts';
import { type DatasetId, datasetIdFromRef, parseRef } from '../ids.ts';
import type { StageSummary } from '../progress.ts';
import type { KaggleSource } from '../sources/kaggle/index.ts';
import type { KaggleListItem } from '../sources/shapes.ts';
import { contextFromOptions, DEFAULT_CONFIG, finishRun } from './common.ts';

export interface AddOptions {
  /** Pin this version (only with a single ref). */
  version?: number;
  force?: boolean;
}

export interface AddResult {
  /** Datasets already in raw/ at the same version: nothing fetched. */
  skipped: { id: DatasetId; version: number | null }[];
  /** Datasets handed to the scrape stage, with the version they had before (null: new). */
  fetched: { id: DatasetId; from: number | null; to: number | null }[];
  /** Refs Kaggle could not resolve (404, 403, ...). */
  failed: { ref: string; reason: string; detail: string }[];
  summary: StageSummary | undefined;
}

/**
 * Adds specific datasets: resolves each ref to its current (or pinned) version, skips those
 * already scraped at that version, and scrapes the rest through the scrape stage, which
 * records the version in raw/<id>/scrape.json.
 */
export async function addDatasets(
  ctx: Context,
  source: KaggleSource,
  refs: readonly string[],
  options: AddOptions = {},
): Promise<AddResult> {
  for (const ref of refs) parseRef(ref);
  if (options.version !== undefined && refs.length !== 1) {
    throw new UserError(
      `--version pins one dataset; got ${refs.length} refs. Run add once per pinned dataset`,
    );
  }
  const result: AddResult = { skipped: [], fetched: [], failed: [], summary: undefined };
  const items: KaggleListItem[] = [];
  for (const ref of new Set(refs)) {
    let item: KaggleListItem;
    try {
      item = await source.item(ctx, ref, options.version);
    } catch (error) {
      if (!(error instanceof Rejection)) throw error;
      result.failed.push({ ref, reason: error.reason, detail: error.message });
      ctx.logger.error(`${ref}: ${error.message}`);
      continue;
    }
    const id = datasetIdFromRef(item.ref);
    const version = item.currentVersionNumber ?? null;
    const scraped = await scrapedVersion(ctx, id);
    if (!options.force && scraped !== undefined && scraped === version) {
      result.skipped.push({ id, version });
      ctx.logger.info(`${ref}: already in raw/ at version ${version ?? '(unversioned)'}; skipped`);
      continue;
    }
    result.fetched.push({ id, from: scraped ?? null, to: version });
    if (scraped !== undefined) ctx.logger.info(`${ref}: version ${scraped} -> ${version}; fetching again`);
    items.push(item);
  }
  if (items.length > 0) {
    const { scrapeDatasets } = await import('../stages/scrape/index.ts');
    result.summary = await scrapeDatasets(ctx, source, items, { force: true });
  }
  return result;
}

/** The version recorded by a scrape that ended ok; undefined when there is none. */
async function scrapedVersion(ctx: Context, id: DatasetId): Promise<number | null | undefined> {
  // Imported here, not at the top: registering the command must not load them (start-up time).
  const { readStatus } = await import('../store/status.ts');
  const { z } = await import('zod');
  const status = await readStatus(ctx.paths, 'scrape', id);
  if (status?.outcome.status !== 'ok') return undefined;
  try {
    const record = z
      .looseObject({ version: z.number().nullable().optional() })
      .parse(JSON.parse(await readFile(join(ctx.paths.rawDir(id), 'scrape.json'), 'utf8')));
    return record.version ?? null;
  } catch {
    return undefined;
  }
}

function versionNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a dataset version number >= 1, e.g. 3');
  return n;
}

interface AddCommandOptions {
  config: string;
  version?: number;
  force?: boolean;
  verbose?: boolean;
  strict?: boolean;
}

/** `dare-forge add <owner/slug> [...] [--version N]`. */
export function registerAdd(program: Command, setExit: (code: number) => void = () => {}): void {
  // Without this the program's own -V/--version would swallow `add <ref> --version N`.
  program.enablePositionalOptions();
  program
    .command('add')
    .description('scrape specific Kaggle datasets into raw/ (skips those already there at the same version)')
    .argument('<refs...>', 'dataset refs, owner/slug (as in kaggle.com/datasets/owner/slug)')
    .option('-c, --config <file>', 'YAML config file', DEFAULT_CONFIG)
    .option('--version <n>', 'pin this dataset version (with a single ref)', versionNumber)
    .option('--force', 'fetch again even when raw/ already holds that version')
    .option('-v, --verbose', 'debug detail (requests, retries)')
    .option('--strict', 'exit 1 when any dataset is rejected')
    .addHelpText(
      'after',
      '\nCredentials: KAGGLE_API_TOKEN, or KAGGLE_USERNAME + KAGGLE_KEY, or ~/.kaggle/kaggle.json.\nExamples:\n  $ dare-forge add uciml/iris\n  $ dare-forge add uciml/iris --version 2\n',
    )
    .action(async (refs: string[], options: AddCommandOptions) => {
      for (const ref of refs) parseRef(ref);
      const ctx = await contextFromOptions({ config: options.config, verbose: options.verbose });
      const started = ctx.clock.now();
      try {
        const { createKaggleSource } = await import('../sources/kaggle/index.ts');
        const source = createKaggleSource(ctx.config.kaggle, ctx.logger);
        const result = await addDatasets(ctx, source, refs, {
          version: options.version,
          force: options.force,
        });
        const code = result.summary
          ? await finishRun(ctx, [result.summary], started, Boolean(options.strict))
          : 0;
        setExit(result.failed.length > 0 ? Math.max(code, 1) : code);
      } finally {
        await ctx.close();
      }
    });
}
