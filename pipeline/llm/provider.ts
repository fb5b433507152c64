import type { PreparedRequest, ProviderName } from './request.ts';
import type { CallFailure } from './retry.ts';
import type { ModelSettings } from './sdk.ts';
import type { TokenUsage } from './types.ts';

/** What a provider said, as text, before any parsing or validation. */
export interface ProviderAnswer {
  text: string;
  usage: TokenUsage;
}

export type BatchItem =
  | { hash: string; ok: true; answer: ProviderAnswer }
  | { hash: string; ok: false; error: string };

export type BatchState =
  | { status: 'running'; detail: string }
  | { status: 'ended' }
  | { status: 'failed'; detail: string };

export interface LostSubmission {
  submission: string;
  /** When the submission started (ms since the epoch). */
  since: number;
  requests: number;
}

/** Provider clocks and ours may disagree by this much when looking for a lost submission. */
export const CLOCK_SKEW_MS = 10 * 60_000;

/** One provider behind its official SDK, with the SDK's own retries off. */
export interface Provider {
  readonly name: ProviderName;
  readonly model: string;
  /** Where requests go, for error messages. */
  readonly endpoint: string;
  complete(request: PreparedRequest, signal?: AbortSignal): Promise<ProviderAnswer>;
  classify(error: unknown): CallFailure;
  /** Submits a batch tagged with `submission`, so a lost answer can be found again. */
  submitBatch(requests: readonly PreparedRequest[], submission: string): Promise<string>;
  /**
   * Batches that may be the one a submission created when its answer was lost (a crash or
   * a dropped connection after the provider accepted it). OpenAI finds it by its metadata
   * tag; Anthropic has no tags, so batches created since then with the same request count
   * are candidates (a wrong one answers none of our requests, which are then resubmitted).
   */
  findBatches(lost: LostSubmission): Promise<string[]>;
  pollBatch(batchId: string): Promise<BatchState>;
  batchResults(batchId: string): Promise<BatchItem[]>;
}

/** The batch half of a provider, built apart from its single calls. */
export type BatchOperations = Pick<Provider, 'submitBatch' | 'findBatches' | 'pollBatch' | 'batchResults'>;

export interface ProviderSettings extends ModelSettings {
  completionWindow: '24h';
  anthropicMode: 'tool' | 'json_schema';
}
