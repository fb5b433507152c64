import type { Logger } from '../../logger.ts';
import { backoffDelay, parseRetryAfter, type RateLimiter, type Timing } from './backoff.ts';

/** A definitive answer from Kaggle that retrying will not change (401, 403, 404, other 4xx). */
export class KaggleHttpError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'KaggleHttpError';
    this.status = status;
  }
}

/** Kaggle stayed throttled, failing or unreachable through every retry. */
export class KaggleUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KaggleUnavailableError';
  }
}

/** Kaggle answered HTTP 200 with a non-empty errorMessage: a refusal it did not give a status for. */
export class KaggleErrorMessage extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KaggleErrorMessage';
  }
}

/** Kaggle answered, but not in a shape this client understands (the API changed, or a proxy page). */
export class KaggleShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KaggleShapeError';
  }
}

/** Thrown inside an attempt to ask for another try. */
export class RetryableFailure extends Error {
  readonly retryAfterMs: number | undefined;

  constructor(message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'RetryableFailure';
    this.retryAfterMs = retryAfterMs;
  }
}

export interface RetrySettings {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}

export interface HttpDeps {
  fetch: typeof fetch;
  timing: Timing;
  limiter: RateLimiter;
  retry: RetrySettings;
  timeoutMs: number;
  logger: Logger;
}

/**
 * Runs `attempt` until it succeeds, throws something other than RetryableFailure, or the
 * attempts run out. Each try first takes a slot from the global rate limiter.
 */
export async function withRetry<T>(
  deps: HttpDeps,
  what: string,
  attempt: (tryNumber: number) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  let last = '';
  for (let tryNumber = 1; tryNumber <= deps.retry.maxAttempts; tryNumber++) {
    await deps.limiter.acquire(signal);
    try {
      return await attempt(tryNumber);
    } catch (error) {
      if (signal?.aborted) throw error;
      const failure = asRetryable(error);
      if (!failure) throw error;
      last = failure.message;
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > deps.retry.maxRetryAfterMs) {
        throw new KaggleUnavailableError(
          `${what}: Kaggle asks to wait ${Math.ceil(failure.retryAfterMs / 1000)} s (${last}), longer than kaggle.retry.max_retry_after_ms; try again later`,
        );
      }
      if (tryNumber === deps.retry.maxAttempts) break;
      const delay = backoffDelay(deps.retry, tryNumber - 1, deps.timing.random(), failure.retryAfterMs);
      deps.logger.debug(`${what}: ${last}; retry ${tryNumber} in ${delay} ms`);
      await deps.timing.sleep(delay, signal);
    }
  }
  throw new KaggleUnavailableError(
    `${what}: ${last} (gave up after ${deps.retry.maxAttempts} attempts; raise kaggle.retry.max_attempts or try later)`,
  );
}

function asRetryable(error: unknown): RetryableFailure | undefined {
  if (error instanceof RetryableFailure) return error;
  if (error instanceof KaggleHttpError || error instanceof KaggleUnavailableError) return undefined;
  // fetch reports refused/reset connections and timeouts as TypeError / AbortError / TimeoutError.
  if (error instanceof Error && ['TypeError', 'AbortError', 'TimeoutError'].includes(error.name)) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return new RetryableFailure(`network error (${error.message}${cause})`);
  }
  return undefined;
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/** Turns a failing status into the right throw: RetryableFailure or KaggleHttpError. */
export function failForStatus(
  deps: HttpDeps,
  what: string,
  status: number,
  headers: Headers,
  detail: string,
): never {
  const suffix = detail ? `: ${deps.logger.redact(detail).slice(0, 200)}` : '';
  if (isRetryableStatus(status)) {
    const retryAfter = parseRetryAfter(headers.get('retry-after'), deps.timing.now());
    throw new RetryableFailure(`HTTP ${status}${suffix}`, retryAfter);
  }
  throw new KaggleHttpError(status, `${what}: HTTP ${status}${suffix}`);
}

/** The error a JSON body reports, in either style: {code, message} or {error: {code, status, message}}. */
export function bodyError(body: unknown): { code: number; message: string } | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  const inner =
    typeof record.error === 'object' && record.error !== null
      ? (record.error as Record<string, unknown>)
      : record;
  const code = Number(inner.code);
  if (!Number.isFinite(code) || code < 400) return undefined;
  const message = [inner.status, inner.message].filter((part) => typeof part === 'string' && part).join(' ');
  return { code, message };
}

/** A timeout signal joined with the caller's, so either ends the request. */
export function requestSignal(timeoutMs: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}
