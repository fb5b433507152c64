import { describe, expect, it } from 'vitest';
import { forEachLimited } from '../../pipeline/util/limit.ts';

describe('forEachLimited', () => {
  it('never runs more than the limit at once and visits every item', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      seen.push(n);
      running -= 1;
    });
    expect(peak).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('stops taking items once aborted', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    await forEachLimited(
      [1, 2, 3, 4],
      1,
      async (n) => {
        seen.push(n);
        if (n === 2) controller.abort();
      },
      controller.signal,
    );
    expect(seen).toEqual([1, 2]);
  });

  it('rethrows the first failure once the calls in flight ended, and starts no new one', async () => {
    const ended: number[] = [];
    const started: number[] = [];
    const run = forEachLimited([1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      if (n === 1) throw new Error('one failed');
      await new Promise((r) => setTimeout(r, 20));
      ended.push(n);
    });
    await expect(run).rejects.toThrow('one failed');
    expect(ended).toEqual(started.filter((n) => n !== 1));
    expect(started.length).toBeLessThan(5);
  });
});
