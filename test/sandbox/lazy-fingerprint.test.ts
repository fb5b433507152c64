import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedFingerprint } from '../../pipeline/sandbox/fingerprint-cache.ts';
import { createExecutor } from '../../pipeline/sandbox/index.ts';
import { LazyExecutor } from '../../pipeline/sandbox/lazy.ts';
import { testContext, testdir } from '../support/testdir.ts';

describe('a verify rerun with nothing to do starts no Python', { timeout: 120_000 }, () => {
  it('reuses the cached environment fingerprint without starting the sandbox, and measures anew when a stamp moves', async () => {
    const root = await testdir();
    const { verify } = testContext(root, 'verify:\n  pool_size: 1\n').config;
    const file = join(root, '_cache', 'environment.json');
    const settings = { python: verify.python, bwrap: verify.bwrap, blas_threads: verify.blas_threads };
    const attempt = async () => {
      const lazy = new LazyExecutor('local', () => createExecutor(verify));
      try {
        return { ...(await cachedFingerprint(lazy, file, settings)), started: lazy.started };
      } finally {
        await lazy.close();
      }
    };

    const first = await attempt();
    expect(first).toMatchObject({ cached: false, started: true });
    const cache = JSON.parse(await readFile(file, 'utf8')) as { stamps: Record<string, string> };
    expect(Object.keys(cache.stamps)).toContain(first.fingerprint.executable);

    const second = await attempt();
    expect(second).toMatchObject({ cached: true, started: false });
    expect(second.fingerprint).toEqual(first.fingerprint);

    // An upgraded interpreter or library changes a stamp: the fingerprint is measured again.
    cache.stamps[first.fingerprint.executable] = '1:1';
    await writeFile(file, JSON.stringify(cache));
    expect(await attempt()).toMatchObject({ cached: false, started: true });
    // Other settings (another interpreter) never reuse it either.
    const other = new LazyExecutor('local', () => createExecutor(verify));
    const moved = await cachedFingerprint(other, file, { ...settings, blas_threads: 7 });
    await other.close();
    expect([moved.cached, other.started]).toEqual([false, true]);

    // Another CPU model (a Slurm node sharing processed/) measures anew: its BLAS kernel differs.
    const saved = JSON.parse(await readFile(file, 'utf8')) as { context: string };
    expect(JSON.parse(saved.context)).toMatchObject({ cpu: cpus()[0]?.model ?? 'unknown' });
    await writeFile(
      file,
      JSON.stringify({
        ...saved,
        context: JSON.stringify({ ...JSON.parse(saved.context), cpu: 'Other CPU' }),
      }),
    );
    const node = new LazyExecutor('local', () => createExecutor(verify));
    const elsewhere = await cachedFingerprint(node, file, { ...settings, blas_threads: 7 });
    await node.close();
    expect([elsewhere.cached, node.started]).toEqual([false, true]);
  });
});
