import { resolve } from 'node:path';
import type { Context } from '../../context.ts';
import { UserError } from '../../errors.ts';
import type { DatasetId } from '../../ids.ts';
import type { BatchUsage, CompleteRequest, LlmClient } from '../../llm/types.ts';
import type { StageDefinition } from '../../runner.ts';
import { inShard } from '../../shard.ts';
import { stageCodeVersion } from '../../store/code-version.ts';
import { readStatus } from '../../store/status.ts';
import { pathExists } from '../../util/fs.ts';
import { hashValue } from '../../util/hash.ts';
import { loadDraftInput } from './inputs.ts';
import { firstRoundRequests } from './llm-drafter.ts';
import type { LlmRequestRecord } from './schema.ts';

/** What the batch round hands to the per-dataset drafting that follows it. */
export interface BatchOutcome {
  /** Datasets whose first-round requests are in a batch still running: drafted by a rerun. */
  pending: ReadonlySet<string>;
  /** Tokens and cost of the answers this run took from a batch, by request hash. */
  answered: Readonly<Record<string, BatchUsage>>;
}

/** Mirrors the runner's freshness rule, so only datasets it will process are planned. */
async function willProcess(
  ctx: Context,
  definition: StageDefinition,
  id: DatasetId,
  force: boolean,
): Promise<boolean> {
  if (force) return true;
  const previous = await readStatus(ctx.paths, definition.stage, id);
  if (!previous || previous.outcome.status === 'error') return true;
  if (previous.code_version !== (await stageCodeVersion(definition))) return true;
  if (previous.inputs_hash !== hashValue(await definition.inputs(ctx, id))) return true;
  for (const artifact of previous.artifacts) {
    if (!(await pathExists(resolve(ctx.paths.processed, artifact)))) return true;
  }
  return false;
}

/**
 * Batch mode (llm.batch.enabled): the first round of every pending dataset (domain, tabular
 * and time-series design, which depend on nothing but the dataset) goes out as provider
 * batches, resumed from processed/_llm_batches after a restart; the drafting that follows
 * replays those answers from the cache. Follow-ups (a retry quoting validation errors, the
 * entity and resampling questions, requests a batch failed) go synchronously: they are few,
 * and a second batch round would add another wait of up to a day.
 */
export async function runDraftBatch(
  ctx: Context,
  definition: StageDefinition,
  llm: LlmClient,
  ids: readonly DatasetId[],
  force: boolean,
): Promise<BatchOutcome> {
  if (!llm.runBatch) {
    throw new UserError(
      `llm.batch.enabled is true but the ${llm.provider} client has no batch API: set llm.batch.enabled to false.`,
    );
  }
  const requests: CompleteRequest<unknown>[] = [];
  for (const id of ids) {
    if (!inShard(id, ctx.shard) || !(await willProcess(ctx, definition, id, force))) continue;
    try {
      requests.push(...firstRoundRequests(await loadDraftInput(ctx, id), ctx.config.draft));
    } catch (error) {
      // The dataset's own drafting reports (and records) why its input is unreadable.
      if (error instanceof UserError) throw error;
    }
  }
  if (requests.length === 0) return { pending: new Set(), answered: {} };
  const report = await llm.runBatch(requests);
  const resumed = report.batches_resumed.length;
  ctx.logger.info(
    `draft batch: ${report.requested} request(s), ${report.already_cached} cached, ${report.submitted} submitted` +
      `${resumed > 0 ? `, ${resumed} batch(es) resumed` : ''}, ${report.succeeded} answered, ` +
      `${report.failed.length} failed (asked again synchronously), ${report.pending} still running`,
  );
  if (report.pending_datasets.length > 0) {
    ctx.logger.warn(
      `draft batch: ${report.pending_datasets.length} dataset(s) wait for a running batch; rerun draft to resume polling.`,
    );
  }
  return { pending: new Set(report.pending_datasets), answered: report.answered };
}

/** A request answered by this run's batch counts its batch tokens and cost, not as a cache hit. */
export function withBatchUsage(
  records: readonly LlmRequestRecord[],
  answered: Readonly<Record<string, BatchUsage>>,
): LlmRequestRecord[] {
  return records.map((record) => {
    const usage = answered[record.request_hash];
    if (!usage || !record.cached) return record;
    return {
      ...record,
      input_tokens: usage.input_tokens,
      output_tokens: usage.output_tokens,
      cost_usd: usage.cost_usd,
      cached: false,
      via: 'batch' as const,
    };
  });
}
