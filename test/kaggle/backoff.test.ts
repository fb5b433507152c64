import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter, RateLimiter } from '../../pipeline/sources/kaggle/backoff.ts';
import { Semaphore } from '../../pipeline/util/limit.ts';
import { fastTiming } from './helpers.ts';

describe('backoffDelay (full jitter)', () => {
  const policy = { baseDelayMs: 1000, maxDelayMs: 60_000 };

  it('draws uniformly below the exponential ceiling', () => {
    expect(backoffDelay(policy, 0, 0, undefined)).toBe(0);
    expect(backoffDelay(policy, 0, 0.999, undefined)).toBe(999);
    expect(backoffDelay(policy, 3, 0.5, undefined)).toBe(4000);
  });

  it('caps the ceiling at max_delay_ms', () => {
    expect(backoffDelay(policy, 20, 0.999, undefined)).toBe(59_940);
    expect(backoffDelay(policy, 1000, 0.5, undefined)).toBe(30_000);
  });

  it('treats Retry-After as a floor, not a replacement', () => {
    expect(backoffDelay(policy, 0, 0.1, 5000)).toBe(5000);
    expect(backoffDelay(policy, 5, 0.9, 5000)).toBe(28_800);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    ['120', 120_000],
    [' 0 ', 0],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 23:00:00 GMT', 0],
    ['soon', undefined],
    ['', undefined],
    [null, undefined],
  ])('%j -> %j ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('RateLimiter', () => {
  it('spaces request starts by 60000 / requests_per_minute', async () => {
    const timing = fastTiming();
    let clock = 1_000_000;
    timing.now = () => clock;
    const limiter = new RateLimiter(120, timing);
    for (let i = 0; i < 4; i++) await limiter.acquire();
    expect(timing.sleeps).toEqual([500, 1000, 1500]);
    clock += 10_000;
    await limiter.acquire();
    expect(timing.sleeps).toHaveLength(3);
  });

  it('never waits when unlimited (0)', async () => {
    const timing = fastTiming();
    const limiter = new RateLimiter(0, timing);
    for (let i = 0; i < 10; i++) await limiter.acquire();
    expect(timing.sleeps).toEqual([]);
  });
});

describe('Semaphore', () => {
  it('runs at most `limit` tasks at once', async () => {
    const semaphore = new Semaphore(2);
    let active = 0;
    let peak = 0;
    const task = () =>
      semaphore.run(async () => {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setImmediate(resolve));
        active -= 1;
      });
    await Promise.all(Array.from({ length: 7 }, task));
    expect(peak).toBe(2);
    expect(active).toBe(0);
  });
});
