import { readFile, rm } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import type { Context } from '../../context.ts';
import { UserError } from '../../errors.ts';
import type { DatasetId } from '../../ids.ts';
import { promptVersions } from '../../llm/prompts/index.ts';
import type { LlmClient } from '../../llm/types.ts';
import type { StageSummary } from '../../progress.ts';
import { runStage, type StageDefinition } from '../../runner.ts';
import { writeJsonAtomic } from '../../store/atomic.ts';
import { failed, ok, rejected } from '../../store/outcome.ts';
import { datasetsOkAt } from '../../store/status.ts';
import { sha256File } from '../../util/hash.ts';
import { profileSchema } from '../profile/schema.ts';
import type { StageRunOptions } from '../registry.ts';
import { checkedFamilies, rejectionOf } from './assemble.ts';
import { type BatchOutcome, runDraftBatch, withBatchUsage } from './batch.ts';
import { draftInputFiles, loadDraftInput } from './inputs.ts';
import { draftWithLlm } from './llm-drafter.ts';
import { draftOffline } from './offline/index.ts';
import { type Draft, draftSchema, type FamilyKey, familyKeys, type LlmRequestRecord } from './schema.ts';

/** Bump when the offline heuristics change their output. */
export const OFFLINE_DRAFTER_VERSION = '1';

async function fileHash(path: string): Promise<string | null> {
  try {
    return await sha256File(path);
  } catch {
    return null;
  }
}

/** sha256 of the raw main table the profile names; null when the profile is unreadable (draft reports why). */
async function mainTableHash(ctx: Context, id: DatasetId, profilePath: string): Promise<string | null> {
  let main: { file: string };
  try {
    const raw: unknown = JSON.parse(await readFile(profilePath, 'utf8'));
    main = profileSchema.shape.main_table.parse(
      typeof raw === 'object' && raw ? Reflect.get(raw, 'main_table') : null,
    );
  } catch {
    return null;
  }
  const filesDir = ctx.paths.rawFilesDir(id);
  const path = resolve(filesDir, main.file);
  if (relative(filesDir, path).startsWith('..')) return null;
  return fileHash(path);
}

/** The draft stage with a given LLM client (none: only the offline drafter can run). */
export function makeDraftStage(llm?: LlmClient, batch?: BatchOutcome): StageDefinition {
  return {
    stage: 'draft',
    // The LLM client is made by llm/index.ts and handed in: its code shapes the answers too.
    code: { modules: [import.meta.url, new URL('../../llm/index.ts', import.meta.url).href] },
    async inputs(ctx, id) {
      const files = draftInputFiles(ctx.paths, id);
      const offline = ctx.config.draft.provider === 'offline';
      return {
        profile: await fileHash(files.profile),
        metadata: await fileHash(files.metadata),
        listing: await fileHash(files.listing),
        // Drafters read raw values of the main table too (time formats as written).
        main_table: await mainTableHash(ctx, id, files.profile),
        draft: ctx.config.draft,
        designer: offline
          ? { offline: OFFLINE_DRAFTER_VERSION }
          : {
              provider: llm?.provider,
              model: llm?.model,
              prompts: promptVersions,
              endpoint: llm?.endpoint ?? null,
            },
      };
    },
    async process(ctx, id) {
      if (batch?.pending.has(id)) {
        return {
          outcome: failed(
            'llm_batch_pending',
            'its first-round requests are in a provider batch still running (processed/_llm_batches): rerun draft to resume polling',
          ),
        };
      }
      // A draft that fails from here on must not leave the previous draft.json for build.
      await rm(ctx.paths.artifact(id, 'draft.json'), { force: true });
      const input = await loadDraftInput(ctx, id);
      const config = ctx.config.draft;
      const offline = config.provider === 'offline';
      let designed: { proposal: ReturnType<typeof draftOffline>; requests: LlmRequestRecord[] };
      if (offline) {
        designed = { proposal: draftOffline(input, config), requests: [] };
      } else {
        if (!llm) {
          throw new UserError(
            `draft.provider is ${config.provider} but no LLM client was set up: check the llm config`,
          );
        }
        designed = await draftWithLlm(input, config, llm);
        if (batch) designed.requests = withBatchUsage(designed.requests, batch.answered);
      }
      const families = checkedFamilies(input, designed.proposal, config, offline ? 'offline' : 'llm');
      const draft: Draft = draftSchema.parse({
        dataset: id,
        drafted_by: config.provider,
        provider: offline ? 'offline' : (llm?.provider ?? config.provider),
        model: offline ? `heuristics@${OFFLINE_DRAFTER_VERSION}` : (llm?.model ?? ''),
        prompt_versions: offline ? {} : promptVersions,
        requests: designed.requests,
        domain: designed.proposal.domain,
        main_table: input.table.file,
        primary_family: primaryFamily(designed.proposal.primary_family, families),
        families,
      });
      const path = ctx.paths.artifact(id, 'draft.json');
      await writeJsonAtomic(path, draft);
      const rejection = rejectionOf(families);
      const outcome = rejection ? rejected(rejection.reason, rejection.detail) : ok(okFamilies(draft));
      return { outcome, artifacts: [path] };
    },
  };
}

/** The designer's pick when it survived validation, else the first family left. */
function primaryFamily(pick: FamilyKey | null, families: Draft['families']): FamilyKey | null {
  if (pick && families[pick].status === 'ok') return pick;
  return familyKeys.find((family) => families[family].status === 'ok') ?? null;
}

function okFamilies(draft: Draft): string {
  return Object.entries(draft.families)
    .filter(([, family]) => family.status === 'ok')
    .map(([name]) => name)
    .join(', ');
}

export const draftStage: StageDefinition = makeDraftStage();

/**
 * Drafts every dataset whose profile is ok (or only the given ones among them), with the
 * context's LLM client unless draft.provider is offline.
 */
export async function run(ctx: Context, options: StageRunOptions = {}): Promise<StageSummary> {
  const ready = await datasetsOkAt(ctx.paths, 'profile');
  const missing = options.only?.filter((id) => !ready.includes(id)) ?? [];
  if (missing.length > 0) {
    throw new UserError(
      `not profiled (no ok profile status under ${ctx.paths.processed}): ${missing.join(', ')}. Run the profile stage for them first.`,
    );
  }
  const ids = options.only ? ready.filter((id) => options.only?.includes(id)) : ready;
  const force = options.force ?? false;
  const llm = ctx.config.draft.provider === 'offline' ? undefined : await ctx.llm();
  let summary: StageSummary;
  if (llm && ctx.config.draft.provider !== 'offline' && ctx.config.llm.batch.enabled) {
    const batch = await runDraftBatch(ctx, makeDraftStage(llm), llm, ids, force);
    summary = await runStage(ctx, makeDraftStage(llm, batch), ids, { force });
  } else {
    summary = await runStage(ctx, makeDraftStage(llm), ids, { force });
  }
  const usage = llm?.usageSummary?.().by_stage.draft;
  if (usage) {
    ctx.logger.info(
      // A batch answer counts once when fetched and once more (as a cache hit) when replayed.
      `draft: ${usage.calls - usage.cached} LLM answer(s) from ${llm?.provider}, ${usage.cached} replayed from the cache, ` +
        `${usage.input_tokens} input + ${usage.output_tokens} output tokens, est. $${usage.cost_usd.toFixed(4)}`,
    );
  }
  return summary;
}
