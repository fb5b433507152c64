// The one retry timing of the pipeline (LLM providers, Kaggle, SandboxFusion): the backoff
// between attempts, the server's Retry-After, and a sleep that an abort ends at once.

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Retry-After is delta-seconds or an HTTP date (RFC 9110); anything else is ignored. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Exponential backoff: retry 1 waits up to `baseMs`, each next one twice that, up to `capMs`. */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /**
   * equal: half the ceiling fixed, half drawn (a steady client: LLM providers, SandboxFusion);
   * full: all of it drawn (AWS architecture blog), so clients that failed together do not
   * retry together (Kaggle, shared by many).
   */
  jitter: 'equal' | 'full';
}

/** The wait before retry `retry` (1 = the first retry), given a uniform draw in [0, 1). */
export function backoffDelay(policy: BackoffPolicy, retry: number, random: number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(retry - 1, 30));
  if (policy.jitter === 'full') return Math.floor(random * ceiling);
  return Math.round(ceiling / 2 + (random * ceiling) / 2);
}
