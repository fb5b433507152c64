import type { Logger } from '../logger.ts';
import type { PreparedRequest, ProviderName } from './request.ts';
import type { CallFailure } from './retry.ts';
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

/** One provider behind its official SDK, with the SDK's own retries off. */
export interface Provider {
  readonly name: ProviderName;
  readonly model: string;
  /** Where requests go, for error messages. */
  readonly endpoint: string;
  complete(request: PreparedRequest, signal?: AbortSignal): Promise<ProviderAnswer>;
  classify(error: unknown): CallFailure;
  submitBatch(requests: readonly PreparedRequest[]): Promise<string>;
  pollBatch(batchId: string): Promise<BatchState>;
  batchResults(batchId: string): Promise<BatchItem[]>;
}

export interface ProviderSettings {
  apiKey: string;
  baseURL: string | undefined;
  model: string;
  maxTokens: number;
  temperature: number;
  timeoutMs: number;
  completionWindow: '24h';
  anthropicMode: 'tool' | 'json_schema';
  logger: Logger;
  now(): number;
}

/** Routes SDK log lines (warnings about deprecated options and the like) to our logger. */
export function sdkLogger(logger: Logger) {
  const line = (message: string, rest: unknown[]) => [message, ...rest.map((part) => String(part))].join(' ');
  return {
    error: (message: string, ...rest: unknown[]) => logger.error(line(message, rest)),
    warn: (message: string, ...rest: unknown[]) => logger.warn(line(message, rest)),
    info: (message: string, ...rest: unknown[]) => logger.debug(line(message, rest)),
    debug: (message: string, ...rest: unknown[]) => logger.debug(line(message, rest)),
  };
}
