import type { Context } from '../context.ts';
import { type DatasetId, datasetIdFromRef } from '../ids.ts';
import { estimateCost } from '../llm/ledger.ts';
import type { StageDefinition } from '../runner.ts';
import { inShard } from '../shard.ts';
import { sourceFor } from '../sources/index.ts';
import type { KaggleListItem } from '../sources/shapes.ts';
import { buildStage } from '../stages/build/index.ts';
import { makeDraftStage } from '../stages/draft/index.ts';
import { profileStage } from '../stages/profile/index.ts';
import { stages } from '../stages/registry.ts';
import { scrapeDefinition } from '../stages/scrape/index.ts';
import { readStatus } from '../store/status.ts';
import { assumedDraft, cacheOf, type DraftEstimate, estimateDraft, llmIdentity } from './estimate.ts';
import { freshStatus } from './freshness.ts';
import { ASSUMED_SECONDS_PER_TASK, measuredVerifyRate, tasksOf, verifyWorkers } from './verify-time.ts';

export interface DryRunPlan {
  source: string;
  /** Datasets the source kept after its selection policy. */
  listed: number;
  /** After source.max_datasets, --only and --shard. */
  selected: number;
  fresh: number;
  toProcess: number;
  toDraft: number;
  llm: {
    provider: string;
    model: string;
    calls: number;
    cachedCalls: number;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
    measured: number;
    assumed: number;
  };
  verify: {
    datasets: number;
    tasks: number;
    workers: number;
    /** How the time was reached: measured per dataset on earlier records, or assumed per task. */
    basis: string;
    seconds: number;
  };
}

/** What a dataset still needs, walking the stages as the runner would (a rejection ends the walk). */
async function pending(
  ctx: Context,
  id: DatasetId,
  definitions: readonly StageDefinition[],
  force: boolean,
): Promise<{ work: boolean; draft: boolean }> {
  if (force) return { work: true, draft: true };
  for (const definition of definitions) {
    const status = await freshStatus(ctx, definition, id);
    if (!status) return { work: true, draft: definition.stage !== 'build' };
    if (status.outcome.status === 'rejected') return { work: false, draft: false };
  }
  // Verify has no definition here (it owns its sandbox): a missing or error record means work.
  if (!stages.some((entry) => entry.name === 'verify')) return { work: false, draft: false };
  const verify = await readStatus(ctx.paths, 'verify', id);
  return { work: !verify || verify.outcome.status === 'error', draft: false };
}

/**
 * The plan of `run --dry-run`: lists through the source (the selection policy applies),
 * drops fresh datasets, and estimates LLM tokens and cost from the prompts the draft stage
 * would send (cached ones are free) and verification time from records or an assumption.
 * Nothing is downloaded, drafted or verified.
 */
export async function planRun(
  ctx: Context,
  options: { only?: readonly DatasetId[]; force?: boolean } = {},
): Promise<DryRunPlan> {
  const source = await sourceFor(ctx);
  const listed = await source.list(ctx);
  let items: KaggleListItem[] = listed;
  if (ctx.config.source.max_datasets !== undefined) items = items.slice(0, ctx.config.source.max_datasets);
  const byId = new Map<DatasetId, KaggleListItem>();
  for (const item of items) byId.set(datasetIdFromRef(item.ref), item);
  const wanted = options.only?.length ? new Set<string>(options.only) : undefined;
  const ids = [...byId.keys()].filter((id) => (!wanted || wanted.has(id)) && inShard(id, ctx.shard));

  const identity = llmIdentity(ctx.config);
  const designer = identity && {
    ...identity,
    async complete(): Promise<never> {
      throw new Error('dry run: no LLM calls');
    },
  };
  const definitions = [scrapeDefinition(source, byId), profileStage, makeDraftStage(designer), buildStage];
  const cache = cacheOf(ctx);
  const measured: DraftEstimate[] = [];
  const toProcess: DatasetId[] = [];
  let unprofiled = 0;
  let tasks = 0;
  for (const id of ids) {
    const need = await pending(ctx, id, definitions, Boolean(options.force));
    if (!need.work) continue;
    toProcess.push(id);
    tasks += await tasksOf(ctx, id);
    if (!need.draft || !identity) continue;
    const estimate = await estimateDraft(ctx, id, identity, cache);
    if (estimate) measured.push(estimate);
    else unprofiled += 1;
  }
  const toDraft = measured.length + unprofiled;
  const assumed = assumedDraft(measured, ctx.config);
  const sum = (pick: (e: DraftEstimate) => number) =>
    measured.reduce((total, e) => total + pick(e), 0) + unprofiled * pick(assumed);
  const usage = { input_tokens: sum((e) => e.inputTokens), output_tokens: sum((e) => e.outputTokens) };
  const rate = await measuredVerifyRate(ctx, ids);
  const workers = verifyWorkers(ctx.config);
  const measuredRate = rate.secondsPerDataset;
  const verifySeconds =
    measuredRate !== undefined
      ? (toProcess.length * measuredRate) / workers
      : (tasks * ASSUMED_SECONDS_PER_TASK) / workers;
  const basis =
    measuredRate !== undefined
      ? `${measuredRate.toFixed(1)} s a dataset, measured on ${rate.measuredOn} verify record(s)`
      : `${ASSUMED_SECONDS_PER_TASK} s a task, assumed (no verify record yet)`;
  return {
    source: source.kind,
    listed: listed.length,
    selected: ids.length,
    fresh: ids.length - toProcess.length,
    toProcess: toProcess.length,
    toDraft,
    llm: {
      provider: identity?.provider ?? 'offline',
      model: identity?.model ?? 'heuristics',
      calls: sum((e) => e.calls),
      cachedCalls: sum((e) => e.cachedCalls),
      inputTokens: usage.input_tokens,
      outputTokens: usage.output_tokens,
      costUsd: identity ? (estimateCost(ctx.config.llm.prices, identity.model, usage) ?? 0) : 0,
      measured: measured.length,
      assumed: unprofiled,
    },
    verify: {
      datasets: toProcess.length,
      tasks,
      workers,
      basis,
      seconds: Math.round(verifySeconds),
    },
  };
}
