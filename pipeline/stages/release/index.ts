import type { Context } from '../../context.ts';
import { emptySummary, type StageSummary } from '../../progress.ts';
import { collectCorpusTasks, type ReleaseRejection, type ReleaseTask } from '../../release/collect.ts';
import { collectProcessedTasks } from '../../release/processed.ts';
import { type ReleaseResult, writeRelease } from '../../release/write.ts';
import { readLimitsFrom } from '../../util/inside.ts';
import type { StageRunOptions } from '../registry.ts';

export interface ReleaseRunOptions extends StageRunOptions {
  version?: string;
  /** Release an existing corpus in the published layout instead of processed/. */
  corpus?: string;
}

/** The release is one artifact for the whole corpus, so it reports as a single item. */
export async function release(
  ctx: Context,
  options: ReleaseRunOptions = {},
): Promise<ReleaseResult & { tasks: ReleaseTask[]; rejected: ReleaseRejection[] }> {
  const { tasks, rejected } = options.corpus
    ? await collectCorpusTasks(options.corpus, readLimitsFrom(ctx.config.corpus.limits))
    : { tasks: await collectProcessedTasks(ctx), rejected: [] };
  for (const r of rejected) ctx.logger.warn(`release: ${r.task} rejected(${r.reason}): ${r.detail}`);
  const only = options.only ? new Set<string>(options.only) : undefined;
  const chosen = only ? tasks.filter((t) => only.has(t.dataset)) : tasks;
  const result = await writeRelease(ctx, chosen, {
    version: options.version ?? ctx.config.release.version,
    force: options.force ?? false,
    rejected,
  });
  const released = new Set(result.manifest.tasks.map((t) => t.task));
  return {
    ...result,
    tasks: chosen.filter((t) => released.has(t.task)),
    rejected: result.manifest.rejected ?? [],
  };
}

export async function run(ctx: Context, options: ReleaseRunOptions = {}): Promise<StageSummary> {
  const started = ctx.clock.now();
  if (ctx.shard && ctx.shard.count > 1) {
    ctx.logger.info(
      'release: skipped in a shard run; once every shard has finished, run `dare-forge release --version X.Y.Z`',
    );
    return emptySummary('release');
  }
  ctx.progress.emit({ type: 'stage:start', stage: 'release', total: 1 });
  // `run` rewrites the configured version each time: it is the working release of this corpus.
  const result = await release(ctx, { ...options, force: options.force ?? true });
  const counts = result.manifest.counts.tasks;
  ctx.logger.info(
    `release ${result.manifest.version}: ${counts.train} train and ${counts.eval} eval tasks in ${result.dir}`,
  );
  const summary: StageSummary = {
    ...emptySummary('release', result.tasks.length),
    processed: result.tasks.length,
    ok: result.tasks.length,
    wall_ms: Math.round(ctx.clock.now() - started),
  };
  ctx.progress.emit({ type: 'stage:end', summary });
  return summary;
}
