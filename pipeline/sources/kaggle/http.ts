import type { Logger } from '../../logger.ts';
import { dnsFailure } from '../../util/net.ts';
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

/**
 * Kaggle stayed throttled, failing or unreachable through every retry. `reason` is the stable
 * code the runner records (error(kaggle_rate_limited), error(download_stalled), ...).
 */
export class KaggleUnavailableError extends Error {
  readonly reason: string;

  constructor(message: string, reason = 'kaggle_unavailable') {
    super(message);
    this.name = 'KaggleUnavailableError';
    this.reason = reason;
  }
}

/** Kaggle answered HTTP 200 with a non-empty errorMessage: a refusal it did not give a status for. */
export class KaggleErrorMessage extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KaggleErrorMessage';
  }
}

/**
 * Kaggle answered, but not in a shape this client understands (not JSON, NaN, the API changed,
 * a proxy page, too large). Asking again gets the same answer: never retried.
 */
export class KaggleShapeError extends Error {
  readonly reason: string;

  constructor(message: string, reason = 'kaggle_bad_response') {
    super(message);
    this.name = 'KaggleShapeError';
    this.reason = reason;
  }
}

/** Thrown inside an attempt to ask for another try; `reason` names it if the tries run out. */
export class RetryableFailure extends Error {
  readonly retryAfterMs: number | undefined;
  readonly reason: string;

  constructor(message: string, retryAfterMs?: number, reason = 'kaggle_unavailable') {
    super(message);
    this.name = 'RetryableFailure';
    this.retryAfterMs = retryAfterMs;
    this.reason = reason;
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
  /** Largest API (JSON) answer read; storage downloads have their own cap. */
  maxAnswerBytes: number;
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
  let last: RetryableFailure | undefined;
  for (let tryNumber = 1; tryNumber <= deps.retry.maxAttempts; tryNumber++) {
    await deps.limiter.acquire(signal);
    try {
      return await attempt(tryNumber);
    } catch (error) {
      if (signal?.aborted) throw error;
      const failure = asRetryable(error, what);
      if (!failure) throw error;
      last = failure;
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > deps.retry.maxRetryAfterMs) {
        throw new KaggleUnavailableError(
          `${what}: Kaggle asks to wait ${Math.ceil(failure.retryAfterMs / 1000)} s (${failure.message}), longer than kaggle.retry.max_retry_after_ms; try again later`,
          failure.reason,
        );
      }
      if (tryNumber === deps.retry.maxAttempts) break;
      const delay = backoffDelay(deps.retry, tryNumber - 1, deps.timing.random(), failure.retryAfterMs);
      deps.logger.debug(`${what}: ${failure.message}; retry ${tryNumber} in ${delay} ms`);
      await deps.timing.sleep(delay, signal);
    }
  }
  throw new KaggleUnavailableError(
    `${what}: ${last?.message ?? 'no attempt made'} (gave up after ${deps.retry.maxAttempts} attempts; raise kaggle.retry.max_attempts or try later)`,
    last?.reason,
  );
}

function asRetryable(error: unknown, what: string): RetryableFailure | undefined {
  if (error instanceof RetryableFailure) return error;
  if (error instanceof KaggleHttpError || error instanceof KaggleUnavailableError) return undefined;
  // fetch reports refused/reset connections and timeouts as TypeError / AbortError / TimeoutError.
  if (error instanceof Error && ['TypeError', 'AbortError', 'TimeoutError'].includes(error.name)) {
    const dns = dnsFailure(error);
    if (dns) {
      throw new KaggleUnavailableError(
        `${what}: ${dns}; check kaggle.base_url and the network`,
        'kaggle_dns_failed',
      );
    }
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    const timedOut = error.name !== 'TypeError';
    return new RetryableFailure(
      `network error (${error.message}${cause})`,
      undefined,
      timedOut ? 'kaggle_timeout' : 'kaggle_unreachable',
    );
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
    const reason =
      status === 429 ? 'kaggle_rate_limited' : status === 408 ? 'kaggle_timeout' : 'kaggle_unavailable';
    throw new RetryableFailure(`HTTP ${status}${suffix}`, retryAfter, reason);
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

/** The body as text, or undefined once it passes `maxBytes` (announced or counted; the rest is not read). */
export async function readBoundedText(response: Response, maxBytes: number): Promise<string | undefined> {
  const announced = Number(response.headers.get('content-length') ?? Number.NaN);
  if (!response.body) return '';
  if (Number.isFinite(announced) && announced > maxBytes) {
    await response.body.cancel();
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
