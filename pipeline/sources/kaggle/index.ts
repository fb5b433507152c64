/**
 * The Kaggle source: createKaggleSource(config.kaggle, logger) implements Source over the
 * Kaggle API (RPC or legacy REST, Node's fetch). Credentials are found lazily, in the
 * official CLI's order, and registered with the logger as secrets before any request.
 * Downloads go through <raw>/.downloads/<id>-v<version>.zip(.part): resumable, checked,
 * then extracted safely into the dataset's files/ folder; metadata() returns the API's
 * {info, errorMessage} plus `datasetFiles` (per-file and per-column descriptions).
 */
import { mkdir, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KaggleConfig } from '../../config/sections/kaggle.ts';
import type { Context } from '../../context.ts';
import { Rejection } from '../../errors.ts';
import { datasetIdFromRef, parseRef } from '../../ids.ts';
import type { Logger } from '../../logger.ts';
import { Semaphore } from '../../util/limit.ts';
import type { KaggleListItem, KaggleMetadata } from '../shapes.ts';
import type { Source } from '../source.ts';
import { pruneOtherVersions, recordArchive, reusable } from './archive-cache.ts';
import { RateLimiter, realTiming, type Timing } from './backoff.ts';
import { KaggleClient } from './client.ts';
import { type Credentials, resolveCredentials } from './credentials.ts';
import { downloadArchive, downloadByteLimit } from './download.ts';
import { extractZip } from './extract.ts';
import { datasetFailure, listingFailure } from './failures.ts';
import { KaggleErrorMessage, KaggleHttpError } from './http.ts';
import { listItems } from './list.ts';
import { Routes } from './routes.ts';
import { isTabularName, judgeItem, type SelectionReason } from './selection.ts';

export interface KaggleSourceOptions {
  /** Environment to read credentials from (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Home folder holding ~/.kaggle (default os.homedir()). */
  homeDir?: string;
  fetch?: typeof fetch;
  timing?: Timing;
}

export interface KaggleSource extends Source {
  readonly kind: 'kaggle';
  /** One dataset's list item (GetDataset), pinned to `version` when given. */
  item(ctx: Context, ref: string, version?: number): Promise<KaggleListItem>;
}

export function createKaggleSource(
  config: KaggleConfig,
  logger: Logger,
  options: KaggleSourceOptions = {},
): KaggleSource {
  const loadCredentials = credentialLoader(options, logger);
  const client = kaggleClient(config, options, logger, loadCredentials);
  const downloads = new Semaphore(config.download_concurrency);

  /** Secrets go to whichever logger the stage uses too. */
  const guard = async (ctx: Context) => {
    for (const secret of (await loadCredentials()).secrets) ctx.logger.addSecret(secret);
  };

  return {
    kind: 'kaggle',

    async list(ctx) {
      await guard(ctx);
      try {
        return await listKept(client, config, ctx);
      } catch (error) {
        throw listingFailure(error, await loadCredentials());
      }
    },

    async item(ctx, ref, version) {
      await guard(ctx);
      const parsed = parseRef(ref);
      const item = await client.view(parsed, ctx.signal).catch((error) => datasetFailure(error, ref));
      return version === undefined ? item : { ...item, currentVersionNumber: version };
    },

    async metadata(ctx, ref): Promise<KaggleMetadata> {
      await guard(ctx);
      const parsed = parseRef(ref);
      const metadata = await client.metadata(parsed, ctx.signal).catch((error) => datasetFailure(error, ref));
      // Per-file and per-column descriptions, kept verbatim beside the API's own answer.
      const datasetFiles = await client.files(parsed, undefined, ctx.signal).catch((error) => {
        if (error instanceof KaggleHttpError || error instanceof KaggleErrorMessage) {
          ctx.logger.debug(`Kaggle: no file list for ${ref} (${error.message})`);
          return undefined;
        }
        return datasetFailure(error, ref);
      });
      return datasetFiles ? { ...metadata, datasetFiles } : metadata;
    },

    async download(ctx, item, filesDir) {
      await guard(ctx);
      const ref = parseRef(item.ref);
      const version = item.currentVersionNumber ?? undefined;
      const cacheDir = join(ctx.paths.raw, '.downloads');
      await mkdir(cacheDir, { recursive: true });
      const zipPath = join(
        cacheDir,
        `${datasetIdFromRef(item.ref)}${version === undefined ? '' : `-v${version}`}.zip`,
      );
      await pruneOtherVersions(zipPath, datasetIdFromRef(item.ref));
      const archive = await downloads.run(() => fetchArchive(client, config, ctx, { item, ref, zipPath }));
      ctx.logger.debug(`Kaggle: ${item.ref} archive ${archive.bytes} bytes, md5 ${archive.md5}`);
      try {
        await extractTabular(config, item.ref, zipPath, filesDir);
      } finally {
        if (!config.keep_archives) await rm(zipPath, { force: true });
      }
    },

    async fingerprint(_ctx, item) {
      return fingerprintOf(config, item);
    },
  };
}

/** Credentials are looked up once, on first use, and registered with the logger as secrets. */
function credentialLoader(options: KaggleSourceOptions, logger: Logger): () => Promise<Credentials> {
  let credentials: Promise<Credentials> | undefined;
  return () => {
    credentials ??= resolveCredentials({
      env: options.env ?? process.env,
      homeDir: options.homeDir ?? homedir(),
    }).then(({ credentials: found, warnings }) => {
      for (const secret of found.secrets) logger.addSecret(secret);
      for (const warning of warnings) logger.warn(warning);
      logger.debug(`Kaggle credentials: ${found.kind} (${found.source})`);
      return found;
    });
    return credentials;
  };
}

function kaggleClient(
  config: KaggleConfig,
  options: KaggleSourceOptions,
  logger: Logger,
  loadCredentials: () => Promise<Credentials>,
): KaggleClient {
  const timing = options.timing ?? realTiming;
  return new KaggleClient(
    new Routes(config.url_style, config.base_url),
    {
      fetch: options.fetch ?? fetch,
      maxAnswerBytes: config.max_answer_bytes,
      timing,
      limiter: new RateLimiter(config.requests_per_minute, timing),
      retry: {
        maxAttempts: config.retry.max_attempts,
        baseDelayMs: config.retry.base_delay_ms,
        maxDelayMs: config.retry.max_delay_ms,
        maxRetryAfterMs: config.retry.max_retry_after_ms,
      },
      timeoutMs: config.request_timeout_ms,
      logger,
    },
    async () => {
      const found = await loadCredentials();
      return found.kind === 'anonymous' ? undefined : found.authorization;
    },
  );
}

/** The listing pages, deduplicated by ref and judged by `select`, up to `select.max_count`. */
async function listKept(client: KaggleClient, config: KaggleConfig, ctx: Context): Promise<KaggleListItem[]> {
  const kept: KaggleListItem[] = [];
  const seen = new Set<string>();
  const dropped = new Map<SelectionReason, number>();
  const maxCount = config.select.max_count ?? Number.POSITIVE_INFINITY;
  const pages = listItems((query) => client.listPage(query, ctx.signal), config.list, ctx.logger);
  for await (const item of pages) {
    const key = item.ref.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const reason = judgeItem(item, config.select);
    if (reason) {
      dropped.set(reason, (dropped.get(reason) ?? 0) + 1);
      ctx.logger.debug(`Kaggle: ${item.ref} dropped (${reason})`);
      continue;
    }
    kept.push(item);
    if (kept.length >= maxCount) break;
  }
  const reasons = [...dropped].map(([reason, count]) => `${reason} ${count}`).join(', ');
  ctx.logger.info(`Kaggle listing: ${kept.length} dataset(s) kept${reasons ? `; dropped: ${reasons}` : ''}`);
  return kept;
}

/** The archive at `zipPath`: the kept one when still current, else downloaded (resuming a part). */
async function fetchArchive(
  client: KaggleClient,
  config: KaggleConfig,
  ctx: Context,
  { item, ref, zipPath }: { item: KaggleListItem; ref: ReturnType<typeof parseRef>; zipPath: string },
) {
  const version = item.currentVersionNumber ?? undefined;
  const kept = config.keep_archives ? await reusable(zipPath) : undefined;
  // The same version number means the same bytes; without one, ask storage if it changed.
  if (kept && version !== undefined) {
    ctx.logger.debug(`Kaggle: ${item.ref} v${version} unchanged, reusing the kept archive`);
    return kept;
  }
  const limits = {
    maxBytes: downloadByteLimit(config.max_download_bytes, item.totalBytes),
    deadlineMs: config.download_timeout_ms,
  };
  const fetched = await downloadArchive(client, ref, version, zipPath, limits, ctx.signal, kept).catch(
    (error) => datasetFailure(error, item.ref),
  );
  if (fetched === kept) {
    ctx.logger.debug(
      `Kaggle: ${item.ref} not modified since ${kept?.lastModified}, reusing the kept archive`,
    );
    return kept;
  }
  if (fetched.resumedFrom.length > 0) {
    ctx.logger.info(`Kaggle: ${item.ref} resumed at byte ${fetched.resumedFrom.join(', ')}`);
  }
  if (config.keep_archives) await recordArchive(zipPath, fetched);
  return fetched;
}

/** Extracts safely into `filesDir`; a download with no file of a tabular type is rejected. */
async function extractTabular(
  config: KaggleConfig,
  ref: string,
  zipPath: string,
  filesDir: string,
): Promise<void> {
  const files = await extractZip(zipPath, filesDir, {
    maxTotalBytes: config.extract.max_total_bytes,
    maxEntries: config.extract.max_entries,
    maxCompressionRatio: config.extract.max_compression_ratio,
    ratioFloorBytes: config.extract.ratio_floor_bytes,
    allowNestedArchives: config.extract.allow_nested_archives,
  });
  if (files.length === 0) throw new Rejection('no_files', `${ref}: the download holds no files`);
  if (!files.some((file) => isTabularName(file.name, config.select.tabular_types))) {
    const types = config.select.tabular_types.join(', ');
    throw new Rejection('not_tabular', `${ref}: no file of a tabular type (${types}) in the download`);
  }
}

function fingerprintOf(config: KaggleConfig, item: KaggleListItem) {
  return {
    version: item.currentVersionNumber ?? null,
    lastUpdated: item.lastUpdated ?? null,
    totalBytes: item.totalBytes ?? null,
    // The settings that accept or reject a download: changing one re-scrapes, so a
    // rejection such as nested_archive does not outlive the setting that caused it.
    accept: {
      extract: config.extract,
      tabular_types: config.select.tabular_types,
      max_download_bytes: config.max_download_bytes,
      max_answer_bytes: config.max_answer_bytes,
    },
  };
}
