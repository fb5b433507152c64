import { join } from 'node:path';
import type { Context } from '../../context.ts';
import { UserError } from '../../errors.ts';
import { asDatasetId } from '../../ids.ts';
import { emptySummary, type StageSummary } from '../../progress.ts';
import { collectCorpusTasks, type ReleaseRejection, type ReleaseTask } from '../../release/collect.ts';
import { collectProcessedTasks, type ExcludedTask } from '../../release/processed.ts';
import { type ReleaseResult, writeRelease } from '../../release/write.ts';
import { stageOrder } from '../../store/paths.ts';
import { listDatasetDirs, readStatus } from '../../store/status.ts';
import { readLimitsFrom } from '../../util/inside.ts';
import type { StageRunOptions } from '../registry.ts';
import { existingRelease, releaseInputsHash } from './freshness.ts';

export interface ReleaseExtra {
  /** Default: release.version. */
  version?: string;
  /** Release an existing corpus in the published layout instead of processed/. */
  corpus?: string;
}

export type ReleaseRunOptions = StageRunOptions<ReleaseExtra>;

export interface ReleaseOutcome extends ReleaseResult {
  tasks: ReleaseTask[];
  excluded: ExcludedTask[];
  /** `release --corpus`: corpus tasks left out, with a stable reason. */
  rejected: ReleaseRejection[];
  /** True when the release on disk was made from the same inputs and was left as it is. */
  fresh: boolean;
}

/** A task the release leaves out (unverified, upstream not ok, or a bad corpus entry), and why. */
type LeftOut = Pick<ExcludedTask, 'task' | 'dataset' | 'detail'> & { reason: string };

/** Nothing passed verification: no release folder is written (exit 1 from the command). */
export class NothingToRelease extends UserError {
  /** The tasks left out, with their reasons, so the run summary can still count them. */
  readonly left: readonly LeftOut[];
  constructor(message: string, left: readonly LeftOut[]) {
    super(message, 1);
    this.name = 'NothingToRelease';
    this.left = left;
  }
}

function nothingMessage(
  ctx: Context,
  version: string,
  options: ReleaseRunOptions,
  left: readonly { reason: string }[],
): string {
  const corpus = options.extra?.corpus;
  const where = corpus ? `corpus ${corpus}` : ctx.paths.processed;
  const scope = options.only ? ` among --only ${options.only.join(',')}` : '';
  const next = corpus
    ? 'check that the corpus holds question_list.json and databases/'
    : 'run `dare-forge verify` (or `dare-forge run`) first; `dare-forge audit` says why tasks failed';
  const reasons = Object.entries(countReasons(left))
    .map(([reason, n]) => `${reason}=${n}`)
    .join(' ');
  return `release ${version}: nothing to release: no task in ${where}${scope} passed verification${left.length ? ` (${left.length} left out: ${reasons})` : ''}; ${next}`;
}

function countReasons(left: readonly { reason: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of left) counts[e.reason] = (counts[e.reason] ?? 0) + 1;
  return counts;
}

/**
 * Writes splits/<version>/ unless it already holds a release of the same inputs (then it is
 * left alone). A release of other inputs is immutable: refused unless `force`.
 */
export async function release(ctx: Context, options: ReleaseRunOptions = {}): Promise<ReleaseOutcome> {
  const corpus = options.extra?.corpus;
  const collected = corpus
    ? {
        ...(await collectCorpusTasks(corpus, readLimitsFrom(ctx.config.corpus.limits))),
        excluded: [],
      }
    : { ...(await collectProcessedTasks(ctx)), rejected: [] };
  for (const r of collected.rejected)
    ctx.logger.warn(`release: ${r.task} rejected(${r.reason}): ${r.detail}`);
  const only = options.only ? new Set<string>(options.only) : undefined;
  const chosen = only ? collected.tasks.filter((t) => only.has(t.dataset)) : collected.tasks;
  const excluded = only ? collected.excluded.filter((e) => only.has(e.dataset)) : collected.excluded;
  const version = options.extra?.version ?? ctx.config.release.version;
  if (chosen.length === 0) {
    const left = [...excluded, ...collected.rejected.map((r) => ({ ...r, dataset: r.task }))];
    throw new NothingToRelease(nothingMessage(ctx, version, options, left), left);
  }
  const dir = join(ctx.paths.splits, version);
  const inputsHash = await releaseInputsHash(ctx, version, chosen, excluded);
  const existing = await existingRelease(dir);
  if (existing && !options.force) {
    if (existing.manifest?.inputs_hash === inputsHash && existing.complete) {
      const rejected = existing.manifest.rejected ?? [];
      return { dir, manifest: existing.manifest, tasks: chosen, excluded, rejected, fresh: true };
    }
    throw new UserError(
      `release ${version} already exists at ${dir} with other content (its tasks, verdicts, config or code changed since); ` +
        `releases are immutable: set release.version (or --version) to a new version, or rewrite it with \`dare-forge release --version ${version} --force\``,
    );
  }
  const result = await writeRelease(ctx, chosen, {
    version,
    force: true,
    excluded,
    inputsHash,
    rejected: collected.rejected,
  });
  const released = new Set(result.manifest.tasks.map((t) => t.task));
  return {
    ...result,
    tasks: chosen.filter((t) => released.has(t.task)),
    excluded,
    rejected: result.manifest.rejected ?? [],
    fresh: false,
  };
}

/** Datasets whose latest record at some stage is an error: a rerun retries them. */
async function datasetsInError(ctx: Context): Promise<string[]> {
  const out: string[] = [];
  for (const id of await listDatasetDirs(ctx.paths.processed)) {
    for (const stage of stageOrder) {
      if (stage === 'release') continue;
      if ((await readStatus(ctx.paths, stage, id))?.outcome.status === 'error') {
        out.push(id);
        break;
      }
    }
  }
  return out;
}

export async function run(ctx: Context, options: ReleaseRunOptions = {}): Promise<StageSummary> {
  const started = ctx.clock.now();
  if (ctx.shard && ctx.shard.count > 1) {
    ctx.logger.info(
      'release: skipped in a shard run; once every shard has finished, run `dare-forge release --version X.Y.Z`',
    );
    return emptySummary('release');
  }
  const version = options.extra?.version ?? ctx.config.release.version;
  // A release is immutable once written, so `run` does not make one of an unfinished corpus:
  // datasets in error are retried by the next run, which then releases.
  const inError = await datasetsInError(ctx);
  if (inError.length > 0) {
    ctx.logger.warn(
      `release ${version}: not written: ${inError.length} dataset(s) ended in error (${inError.slice(0, 3).join(', ')}${inError.length > 3 ? ', ...' : ''}); ` +
        `rerun to retry them, or release what passed with \`dare-forge release --version ${version}\``,
    );
    return emptySummary('release');
  }
  ctx.progress.emit({ type: 'stage:start', stage: 'release', total: 1 });
  let result: ReleaseOutcome;
  try {
    result = await release(ctx, { ...options, extra: { ...options.extra, version } });
  } catch (error) {
    if (!(error instanceof NothingToRelease)) throw error;
    ctx.logger.warn(error.message);
    const summary = releaseSummary(ctx, [], error.left, false, started);
    ctx.progress.emit({ type: 'stage:end', summary });
    return summary;
  }
  const counts = result.manifest.counts.tasks;
  ctx.logger.info(
    `release ${result.manifest.version}: ${counts.train} train and ${counts.eval} eval tasks in ${result.dir}` +
      `${result.fresh ? ' (fresh: its inputs did not change, left as it was)' : ''}` +
      `${result.excluded.length ? `; ${result.excluded.length} left out (see manifest.json excluded)` : ''}`,
  );
  const summary = releaseSummary(ctx, result.tasks, result.excluded, result.fresh, started);
  ctx.progress.emit({ type: 'stage:end', summary });
  return summary;
}

/** The release's stage summary: tasks shipped, and those left out counted by reason. */
function releaseSummary(
  ctx: Context,
  tasks: readonly unknown[],
  excluded: readonly LeftOut[],
  fresh: boolean,
  started: number,
): StageSummary {
  const total = tasks.length + excluded.length;
  return {
    ...emptySummary('release', total),
    processed: fresh ? 0 : total,
    fresh: fresh ? total : 0,
    ok: tasks.length,
    rejected: countReasons(excluded),
    failures: excluded.map((e) => ({
      id: asDatasetId(e.dataset),
      status: 'rejected' as const,
      reason: e.reason,
      detail: e.task === e.dataset ? e.detail : `${e.task}: ${e.detail}`,
    })),
    wall_ms: Math.round(ctx.clock.now() - started),
  };
}
