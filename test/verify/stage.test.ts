import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asDatasetId } from '../../pipeline/ids.ts';
import { run as build } from '../../pipeline/stages/build/index.ts';
import { run as verify } from '../../pipeline/stages/verify/index.ts';
import { verdictSchema } from '../../pipeline/stages/verify/schema.ts';
import { setUpFixtureCorpus, testContext } from '../build/fixture-corpus.ts';
import { testdir } from '../support/testdir.ts';
import { usePool } from './support.ts';

const pool = usePool();
const dataset = asDatasetId('hemajitpatel_superheros-abilities-dataset');

describe('verify stage over a built dataset', () => {
  it('passes a task our build stage made, writes verdict.json and the reference output, and is fresh on rerun', async () => {
    const root = await testdir();
    await setUpFixtureCorpus(root);
    const ctx = testContext(root);
    expect((await build(ctx, { only: [dataset] })).ok).toBe(1);

    const summary = await verify({ ...ctx, executor: () => pool() }, { only: [dataset] });
    expect(summary.errors).toEqual({});
    expect(summary.ok).toBe(1);
    const verdict = verdictSchema.parse(
      JSON.parse(await readFile(join(ctx.paths.processedDir(dataset), 'verdict.json'), 'utf8')),
    );
    const [task] = verdict.tasks;
    expect(task?.task).toBe(`${dataset}_class`);
    expect(task?.status, JSON.stringify(task, null, 1)).toBe('passed');
    const names = task?.checks.map((c) => `${c.name}:${c.status}`);
    expect(names).toEqual([
      'determinism:pass',
      'prediction_shape:pass',
      'range_filter:pass',
      'discrimination:pass',
      'learnable:pass',
      'leak:pass',
    ]);
    const discrimination = task?.checks.find((c) => c.name === 'discrimination');
    expect(discrimination?.metrics.changed_skip_range_filter).toBeGreaterThan(0);
    expect(verdict.environment.sklearn).toBe('1.2.1');
    const written = join(
      ctx.paths.processedDir(dataset),
      'tasks',
      `${dataset}_class`,
      'verify',
      'simulated_pred_local.csv',
    );
    expect((await stat(written)).size).toBeGreaterThan(0);

    const again = await verify({ ...ctx, executor: () => pool() }, { only: [dataset] });
    expect(again.fresh).toBe(1);
    const verdictPath = join(ctx.paths.processedDir(dataset), 'verdict.json');
    const before = await readFile(verdictPath);
    expect((await verify({ ...ctx, executor: () => pool() }, { only: [dataset], force: true })).ok).toBe(1);
    expect((await readFile(verdictPath)).equals(before), 'verdict.json is byte-identical when redone').toBe(
      true,
    );
    await ctx.close();
  });
});
