/** Effects the client waits with; tests pass a sleep that returns at once and records. */
export interface Timing {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
}

export const realTiming: Timing = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
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
    }),
  random: Math.random,
};

export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Full jitter (AWS architecture blog): wait uniformly in [0, min(cap, base * 2^retry)], so
 * clients that failed together do not retry together. Retry-After, when given, is a floor.
 */
export function backoffDelay(
  policy: BackoffPolicy,
  retry: number,
  random: number,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(retry, 30));
  const jittered = Math.floor(random * ceiling);
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** Retry-After is either delta-seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** Spaces request starts at least `60000 / perMinute` ms apart, across every caller. */
export class RateLimiter {
  readonly #intervalMs: number;
  readonly #timing: Timing;
  #nextSlot = 0;

  constructor(perMinute: number, timing: Timing) {
    this.#intervalMs = perMinute > 0 ? 60_000 / perMinute : 0;
    this.#timing = timing;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    if (this.#intervalMs === 0) return;
    const now = this.#timing.now();
    const slot = Math.max(now, this.#nextSlot);
    this.#nextSlot = slot + this.#intervalMs;
    if (slot > now) await this.#timing.sleep(slot - now, signal);
  }
}

/** At most `limit` holders at once; the rest queue in arrival order. */
export class Semaphore {
  readonly #limit: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active += 1;
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active -= 1;
    }
  }
}
