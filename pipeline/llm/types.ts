import type { z } from 'zod';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One structured call: the answer must parse with `schema`, or the call fails. */
export interface CompleteRequest<T> {
  /** Prompt template name and version (part of the cache key). */
  template: string;
  templateVersion: string;
  messages: ChatMessage[];
  /** Name for the JSON schema sent to the provider (letters, digits, _ and -). */
  schemaName: string;
  schema: z.ZodType<T>;
  /** Who asked, for the usage ledger (not part of the cache key). */
  labels?: UsageLabels;
}

export interface UsageLabels {
  stage?: string;
  dataset?: string;
}

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
}

export interface CompleteResult<T> {
  value: T;
  usage: TokenUsage;
  /** Estimated from the configured price table; 0 for the offline drafter and cache hits. */
  cost_usd: number;
  /** True when the answer came from processed/_llm_cache (no provider call). */
  cached: boolean;
  /** sha256 of provider, model, template version, messages and schema. */
  request_hash: string;
  provider: string;
  model: string;
}

export interface LlmEndpoint {
  /** The base URL in use (config, else the environment variable); null: the provider's default. */
  base_url: string | null;
  /** Anthropic's structured-output mode (tool or json_schema); null for OpenAI. */
  structured_output: string | null;
}

/** The LLM boundary: OpenAI(-compatible), Anthropic, or a test double at the HTTP level. */
export interface LlmClient {
  readonly provider: string;
  readonly model: string;
  /** Where answers come from and how they are forced into shape: part of draft freshness. */
  readonly endpoint?: LlmEndpoint;
  /** The answer cache, when the client has one: the spend cap serves its hits for free. */
  readonly cache?: { get(hash: string): Promise<unknown> };
  complete<T>(request: CompleteRequest<T>): Promise<CompleteResult<T>>;
  /**
   * Sends the uncached requests through the provider's batch API (resuming batches a previous
   * run submitted) and fills the cache, so `complete` replays them. Absent: no batch support.
   */
  runBatch?(requests: readonly CompleteRequest<unknown>[]): Promise<BatchReport>;
  /** Tokens and estimated cost of every call so far (cache hits included, at zero). */
  usageSummary?(): UsageSummary;
}

// What runBatch and usageSummary return. They live here, below batch.ts and ledger.ts, so the
// client interface does not import its implementations (no import circle).

export interface BatchFailure {
  request_hash: string;
  template: string;
  error: string;
}

export interface BatchReport {
  requested: number;
  already_cached: number;
  /** Requests sent in new batches by this run. */
  submitted: number;
  batches_created: string[];
  /** Batches a previous run submitted that this run polled instead of resubmitting. */
  batches_resumed: string[];
  /** Answers written to the cache by this run. */
  succeeded: number;
  failed: BatchFailure[];
  /** Requests whose batch was still running when polling stopped (llm.batch.max_wait_ms). */
  pending: number;
  /** The `labels.dataset` of those requests (sorted, unique): whose drafts must wait for a rerun. */
  pending_datasets: string[];
  /** Tokens and estimated cost of each answer this run took from a batch, by request hash. */
  answered: Record<string, BatchUsage>;
}

export interface BatchUsage extends TokenUsage {
  cost_usd: number;
}

export interface UsageTotals {
  calls: number;
  cached: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

export interface UsageSummary {
  total: UsageTotals;
  by_stage: Record<string, UsageTotals>;
  by_dataset: Record<string, UsageTotals>;
}
