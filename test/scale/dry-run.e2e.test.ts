import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSUMED_TASKS_PER_DATASET } from '../../pipeline/scale/verify-time.ts';
import { cli, type Rig, startRig } from './helpers.ts';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig(12);
});
afterAll(async () => {
  await rig?.close();
});

const lineOf = (text: string, start: string) => text.split('\n').find((line) => line.startsWith(start)) ?? '';

describe('run --dry-run over a generated corpus of 12 datasets', () => {
  it('prints counts and estimates, spends nothing, then sees the finished run as fresh', async () => {
    const config = await rig.workdir('dry');
    const before = await cli(['run', '--config', config, '--dry-run', '--max-cost-usd', '0.001']);
    expect(before.code, before.stderr).toBe(0);
    expect(lineOf(before.stdout, 'datasets:')).toBe(
      'datasets: 12 listed by the kaggle source after its selection policy; 12 in this run',
    );
    expect(lineOf(before.stdout, 'to process:')).toBe('to process: 12 (fresh, skipped: 0); to draft: 12');
    const llm = lineOf(before.stdout, 'LLM (openai gpt-4o-mini):');
    const cost = Number(/~\$([\d.]+)$/.exec(llm)?.[1]);
    expect(cost).toBeGreaterThan(0);
    expect(lineOf(before.stdout, '--max-cost-usd 0.001:')).toMatch(
      /about \d of 12 dataset\(s\) would be drafted/,
    );
    // Nothing drafted yet: the published corpus's folders a dataset (one), not a count of ours.
    expect(ASSUMED_TASKS_PER_DATASET).toBe(1);
    expect(lineOf(before.stdout, 'verification:')).toMatch(/^verification: ~12 task\(s\) of 12 dataset\(s\)/);
    // Listing only: no provider call, no download, nothing written for any dataset.
    expect(rig.servers.chatCalls()).toBe(0);
    expect(rig.servers.kaggle.requestsFor({ op: 'storage' })).toHaveLength(0);
    await expect(readdir(join(rig.dir, 'dry', 'processed'))).rejects.toThrow();

    const run = await cli(['run', '--config', config]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const paid = rig.servers.chatCalls();
    expect(paid).toBeGreaterThan(0);

    const after = await cli(['run', '--config', config, '--dry-run']);
    expect(after.code, after.stderr).toBe(0);
    expect(lineOf(after.stdout, 'to process:')).toMatch(/; to draft: 0$/);
    expect(lineOf(after.stdout, 'LLM (openai gpt-4o-mini):')).toMatch(
      /^LLM \(openai gpt-4o-mini\): 0 call\(s\)/,
    );
    expect(rig.servers.chatCalls()).toBe(paid);

    // A shard plans only its own part of the corpus.
    const shard = await cli(['run', '--config', config, '--dry-run', '--shard', '1/2']);
    const selected = Number(
      /; (\d+) in this run \(shard 1\/2\)$/.exec(lineOf(shard.stdout, 'datasets:'))?.[1],
    );
    expect(selected).toBeGreaterThan(0);
    expect(selected).toBeLessThan(12);
  }, 240_000);
});
