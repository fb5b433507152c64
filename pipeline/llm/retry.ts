import type { LlmConfig } from '../config/sections/llm.ts';
import { dnsFailure } from '../util/net.ts';
import { abortableSleep, backoffDelay, parseRetryAfter } from '../util/wait.ts';
import { type CallFailureKind, LlmAnswerTooLarge, LlmBadResponse, LlmBodyTimeout } from './errors.ts';

export interface CallFailure {
  kind: CallFailureKind;
  retryable: boolean;
  status: number | undefined;
  /** What the server asked us to wait (retry-after-ms, else retry-after). */
  retryAfterMs: number | undefined;
  message: string;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** The error classes both official SDKs export under the same names. */
export interface SdkErrorClasses {
  APIError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
  APIUserAbortError: ErrorClass;
}

/**
 * What a failed call was, and whether another try can change it: 429, 408, 5xx, timeouts and
 * dropped connections can; an answer that is too large or not a completion (a 200 with HTML or
 * broken JSON), any other 4xx, and a host that does not resolve cannot.
 */
export function classifySdkError(error: unknown, sdk: SdkErrorClasses, now: number): CallFailure {
  const message = error instanceof Error ? error.message : String(error);
  const failure = (kind: CallFailureKind, retryable: boolean, status?: number, retryAfterMs?: number) => ({
    kind,
    retryable,
    status,
    retryAfterMs,
    message,
  });
  const tooLarge = findCause(error, (cause) => cause instanceof LlmAnswerTooLarge);
  if (tooLarge) return { ...failure('too_large', false), message: tooLarge.message };
  const late = findCause(error, (cause) => cause instanceof LlmBodyTimeout);
  if (late) return { ...failure('timeout', true), message: late.message };
  if (error instanceof sdk.APIUserAbortError) return failure('aborted', false);
  if (error instanceof sdk.APIConnectionTimeoutError) return failure('timeout', true);
  if (error instanceof sdk.APIConnectionError) {
    const dns = dnsFailure(error);
    if (dns) return { ...failure('dns', false), message: dns };
    return failure('connection', true);
  }
  if (error instanceof LlmBadResponse || error instanceof SyntaxError) return failure('bad_response', false);
  if (!(error instanceof sdk.APIError)) return failure('other', false);
  const status = 'status' in error && typeof error.status === 'number' ? error.status : undefined;
  const headers = 'headers' in error && error.headers instanceof Headers ? error.headers : undefined;
  const retryAfterMs = headers ? retryAfter(headers, now) : undefined;
  if (status === 429) return failure('rate_limit', true, status, retryAfterMs);
  if (status === 401 || status === 403) return failure('auth', false, status);
  if (status === 408) return failure('timeout', true, status, retryAfterMs);
  if (status !== undefined && status >= 500) return failure('server', true, status, retryAfterMs);
  return failure('bad_request', false, status);
}

function findCause(error: unknown, match: (cause: Error) => boolean): Error | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    if (match(current)) return current;
    current = current.cause;
  }
  return undefined;
}

/** retry-after-ms (milliseconds) wins over retry-after (seconds or an HTTP date). */
export function retryAfter(headers: Headers, now: number): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  return parseRetryAfter(headers.get('retry-after'), now);
}

export interface RetryDeps {
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
  now(): number;
  onRetry?(info: { attempt: number; delayMs: number; failure: CallFailure; what: string }): void;
}

/** The wait before attempt `attempt + 1`: the server's word if given, else capped backoff with jitter. */
export function retryDelay(
  policy: LlmConfig['retries'],
  attempt: number,
  failure: CallFailure,
  random: number,
): number {
  if (failure.retryAfterMs !== undefined) return Math.min(failure.retryAfterMs, policy.max_retry_after_ms);
  const backoff = { baseMs: policy.base_delay_ms, capMs: policy.max_delay_ms, jitter: 'equal' } as const;
  return backoffDelay(backoff, attempt, random);
}

/**
 * Runs `call` until it succeeds, fails with a non-retryable error, or runs out of attempts;
 * then throws what `toError` makes of the last failure.
 */
export async function withRetries<T>(options: {
  what: string;
  call: () => Promise<T>;
  classify: (error: unknown) => CallFailure;
  toError: (failure: CallFailure, attempts: number) => Error;
  policy: LlmConfig['retries'];
  deps: RetryDeps;
  signal?: AbortSignal;
}): Promise<T> {
  const { policy, deps } = options;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await options.call();
    } catch (error) {
      const failure = options.classify(error);
      if (!failure.retryable || attempt >= policy.max_attempts || options.signal?.aborted) {
        throw options.toError(failure, attempt);
      }
      const delayMs = retryDelay(policy, attempt, failure, deps.random());
      deps.onRetry?.({ attempt, delayMs, failure, what: options.what });
      await deps.sleep(delayMs, options.signal);
    }
  }
}

export { abortableSleep };
