import { abortableSleep, backoffDelay as jittered, parseRetryAfter } from '../../util/wait.ts';

/** Effects the client waits with; tests pass a sleep that returns at once and records. */
export interface Timing {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
}

export const realTiming: Timing = {
  now: () => Date.now(),
  sleep: abortableSleep,
  random: Math.random,
};

export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Full jitter: wait uniformly in [0, min(cap, base * 2^retry)] (`retry` counts from 0 here).
 * Retry-After, when given, is a floor.
 */
export function backoffDelay(
  policy: BackoffPolicy,
  retry: number,
  random: number,
  retryAfterMs?: number,
): number {
  const drawn = jittered(
    { baseMs: policy.baseDelayMs, capMs: policy.maxDelayMs, jitter: 'full' },
    retry + 1,
    random,
  );
  return Math.max(drawn, retryAfterMs ?? 0);
}

export { parseRetryAfter };

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
