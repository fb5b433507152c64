import type { Config } from '../config/schema.ts';
import type { Context } from '../context.ts';
import type { DatasetId } from '../ids.ts';
import { LlmCache as Cache, type LlmCache } from '../llm/cache.ts';
import { llmEndpoint } from '../llm/endpoint.ts';
import type { BriefLimits, DatasetBrief } from '../llm/prompts/context.ts';
import { domainTemplate, tabularTemplate, timeSeriesTemplate } from '../llm/prompts/index.ts';
import { toRequest } from '../llm/prompts/template.ts';
import { type ProviderName, prepareRequest } from '../llm/request.ts';
import type { LlmEndpoint } from '../llm/types.ts';
import { loadDraftInput } from '../stages/draft/inputs.ts';
import { estimateTokens } from './tokens.ts';

/**
 * Prompt sizes of datasets not profiled yet (nothing to render a prompt from): measured on the
 * 36 fixture datasets, whose design prompts ran 560-1,160 tokens; the upper end, to err high.
 */
export const ASSUMED_INPUT_TOKENS_PER_CALL = 1200;
/** Design calls per dataset: domain, tabular, time series, plus entities and resample when dated. */
export const ASSUMED_CALLS_PER_DATASET = 4;

export interface DraftEstimate {
  calls: number;
  cachedCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** True when rendered from the dataset's own profile; false when assumed. */
  measured: boolean;
}

export interface LlmIdentity {
  provider: ProviderName;
  model: string;
  endpoint: LlmEndpoint;
}

export function llmIdentity(config: Config): LlmIdentity | undefined {
  const provider = config.draft.provider;
  if (provider === 'offline') return undefined;
  return {
    provider,
    model: config.llm.model ?? config.llm[provider].model,
    endpoint: llmEndpoint(config, provider, process.env),
  };
}

export function cacheOf(ctx: Context): LlmCache {
  return new Cache(ctx.paths.processed);
}

/**
 * The draft stage's first three requests for a profiled dataset, rendered exactly as the
 * stage will send them (so their cache entries can be looked up); a dated table adds two
 * follow-up calls of about the time-series prompt's size. Undefined when not profiled yet.
 */
export async function estimateDraft(
  ctx: Context,
  id: DatasetId,
  llm: LlmIdentity,
  cache: LlmCache,
): Promise<DraftEstimate | undefined> {
  let input: Awaited<ReturnType<typeof loadDraftInput>>;
  try {
    input = await loadDraftInput(ctx, id);
  } catch {
    return undefined;
  }
  const config = ctx.config.draft;
  const info = input.metadata.info;
  const brief: DatasetBrief = {
    title: info.title ?? input.listing?.title ?? String(id),
    subtitle: info.subtitle ?? input.listing?.subtitle ?? '',
    keywords: info.keywords ?? [],
    description: info.description ?? input.listing?.description ?? '',
    table: input.table,
  };
  const limits: BriefLimits = {
    previewRows: config.prompt_preview_rows,
    descriptionChars: config.prompt_description_chars,
  };
  const requests = [
    toRequest(domainTemplate, { ...brief, descriptionChars: config.prompt_description_chars }),
    toRequest(tabularTemplate, { brief, limits }),
    toRequest(timeSeriesTemplate, { brief, limits }),
  ];
  const estimate: DraftEstimate = {
    calls: 0,
    cachedCalls: 0,
    inputTokens: 0,
    outputTokens: 0,
    measured: true,
  };
  const dated = input.table.columns.some((column) => column.semantic_type === 'datetime');
  for (const [index, request] of requests.entries()) {
    const prepared = prepareRequest(llm.provider, llm.model, request);
    const times = dated && index === 2 ? 3 : 1;
    estimate.calls += times;
    if (ctx.config.llm.cache !== 'off' && (await cache.get(prepared.hash))) {
      estimate.cachedCalls += times;
      continue;
    }
    const tokens = estimateTokens(prepared.messages, ctx.config.llm);
    estimate.inputTokens += tokens.input_tokens * times;
    estimate.outputTokens += tokens.output_tokens * times;
  }
  return estimate;
}

/** For a dataset with no profile yet: the mean of the measured ones, else the assumption above. */
export function assumedDraft(measured: readonly DraftEstimate[], config: Config): DraftEstimate {
  const paid = measured.filter((e) => e.calls > e.cachedCalls);
  if (paid.length > 0) {
    const mean = (pick: (e: DraftEstimate) => number) =>
      Math.round(paid.reduce((sum, e) => sum + pick(e), 0) / paid.length);
    return {
      calls: mean((e) => e.calls),
      cachedCalls: 0,
      inputTokens: mean((e) => e.inputTokens),
      outputTokens: mean((e) => e.outputTokens),
      measured: false,
    };
  }
  const perCall = estimateTokens([], config.llm).output_tokens;
  return {
    calls: ASSUMED_CALLS_PER_DATASET,
    cachedCalls: 0,
    inputTokens: ASSUMED_CALLS_PER_DATASET * ASSUMED_INPUT_TOKENS_PER_CALL,
    outputTokens: ASSUMED_CALLS_PER_DATASET * perCall,
    measured: false,
  };
}
