import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { Logger } from '../logger.ts';
import { cappedFetch } from './capped-fetch.ts';

/** How an official SDK client reaches its server: the same for drafting and for eval agents. */
export interface SdkConnection {
  apiKey: string;
  baseURL: string | undefined;
  timeoutMs: number;
  /** Largest completion body read (llm.max_answer_bytes); a batch answer's text is held to it too. */
  maxAnswerBytes: number;
  logger: Logger;
}

/** What a model call sends beside its messages, and the clock its retry delays are read from. */
export interface ModelSettings extends SdkConnection {
  model: string;
  maxTokens: number;
  temperature: number;
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

/**
 * The options both SDKs share: the answer body capped in size and time, the SDK's own retries
 * off (our retry loop decides), its log lines in our logger.
 */
function commonOptions(connection: SdkConnection) {
  return {
    apiKey: connection.apiKey,
    baseURL: connection.baseURL ?? null,
    timeout: connection.timeoutMs,
    fetch: cappedFetch(connection.maxAnswerBytes, connection.timeoutMs),
    maxRetries: 0,
    logger: sdkLogger(connection.logger),
    logLevel: 'warn' as const,
  };
}

/** The OpenAI SDK (or any OpenAI-compatible server by base URL); no organisation or project from the environment. */
export function createOpenAiSdk(connection: SdkConnection): OpenAI {
  return new OpenAI({ ...commonOptions(connection), organization: null, project: null });
}

export function createAnthropicSdk(connection: SdkConnection): Anthropic {
  return new Anthropic(commonOptions(connection));
}

/** The token cap of a chat completion: the official OpenAI API wants max_completion_tokens, compatible servers know max_tokens. */
export function chatMaxTokens(
  client: OpenAI,
  maxTokens: number,
): { max_completion_tokens: number } | { max_tokens: number } {
  return new URL(client.baseURL).hostname === 'api.openai.com'
    ? { max_completion_tokens: maxTokens }
    : { max_tokens: maxTokens };
}
