import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TaskVerdict } from '../../pipeline/stages/verify/schema.ts';
import { verifyTask } from '../../pipeline/stages/verify/task.ts';
import { testdir } from '../support/testdir.ts';
import { databases } from '../verifiers/fixtures.ts';
import { taskOptions, usePool } from './support.ts';
import { writeConstantSeriesTask, writeIrrelevantNoiseTask, writeUnlearnableTask } from './tasks.ts';

const pool = usePool();
const check = (verdict: TaskVerdict, name: string) => verdict.checks.find((c) => c.name === name);

describe('task checks on constructed tasks', () => {
  it('rejects an IF task whose noise rows do not matter, and names a leak column in its MM part', async () => {
    const dir = join(await testdir(), 'me_noise_class');
    await writeIrrelevantNoiseTask(dir);
    const { verdict, predictions } = await verifyTask(dir, 'me_noise_class', taskOptions(pool()));
    expect(predictions?.toString().split('\n')[0]).toBe('row_id,y');
    expect(verdict.status).toBe('rejected');
    expect(verdict.reasons).toEqual(['noise_irrelevant', 'leak_exact']);
    expect(check(verdict, 'range_filter')?.status).toBe('pass');
    expect(check(verdict, 'range_filter')?.metrics.noise_rows).toBe(8);
    expect(check(verdict, 'discrimination')?.metrics.changed_skip_range_filter).toBe(0);
    expect(check(verdict, 'discrimination')?.detail).toMatch(/skipping the range filter does not change/);
    // `leak` copies the label: a rejection now, not a flag.
    const leak = check(verdict, 'leak');
    expect(leak?.status).toBe('fail');
    expect(leak?.detail).toMatch(/one-to-one relabelling of it: leak on y$/);
    expect(verdict.flags).toEqual([]);
  });

  it('rejects a bijective relabelling of the target as leak_exact', async () => {
    const dir = join(await testdir(), 'me_relabel_class');
    await writeIrrelevantNoiseTask(dir, (y) => (y === 'a' ? 'kind_7' : 'kind_2'));
    const { verdict } = await verifyTask(dir, 'me_relabel_class', taskOptions(pool()));
    expect(verdict.reasons).toContain('leak_exact');
    expect(check(verdict, 'leak')?.detail).toMatch(/leak on y/);
  });

  it('keeps a near copy (one training row differs) a leak_suspected flag', async () => {
    const dir = join(await testdir(), 'me_near_class');
    await writeIrrelevantNoiseTask(dir, (y, row) => (row === 5 ? (y === 'a' ? 'b' : 'a') : y));
    const { verdict } = await verifyTask(dir, 'me_near_class', taskOptions(pool()));
    expect(verdict.reasons).not.toContain('leak_exact');
    expect(verdict.flags).toEqual(['leak_suspected']);
    expect(check(verdict, 'leak')?.detail).toMatch(/leak alone scores 1\.0000 on y/);
    expect(check(verdict, 'leak')?.detail).not.toMatch(/other alone/);
  });

  it('rejects an MM task that no model can learn', async () => {
    const dir = join(await testdir(), 'me_noise_reg');
    await writeUnlearnableTask(dir);
    const { verdict } = await verifyTask(dir, 'me_noise_reg', taskOptions(pool()));
    expect(verdict.reasons).toContain('not_learnable');
    expect(check(verdict, 'learnable')?.metrics.strong).toBeLessThan(0.02);
    expect(check(verdict, 'determinism')?.status).toBe('pass');
  });

  it('rejects a time series whose ground truth is constant', async () => {
    const dir = join(await testdir(), 'me_flat_ts');
    await writeConstantSeriesTask(dir);
    const { verdict } = await verifyTask(dir, 'me_flat_ts', taskOptions(pool()));
    expect(verdict.status).toBe('rejected');
    expect(verdict.reasons).toEqual(['constant_ground_truth']);
  });
});

describe('task checks on published tasks', () => {
  it('scores naive and seasonal-naive baselines on a real series', async () => {
    const task = 'michau96_social-media-popularity-2009-2023_ts';
    const { verdict } = await verifyTask(join(databases, task), task, taskOptions(pool()));
    expect(verdict.status).toBe('passed');
    const baselines = check(verdict, 'ts_baselines');
    expect(baselines?.metrics.naive_r2).toBeGreaterThanOrEqual(0);
    expect(baselines?.metrics.naive_r2).toBeLessThanOrEqual(1);
    expect(baselines?.metrics).toHaveProperty('seasonal_naive_r2_Facebook');
  });

  it('ends a parquet task as env_missing_pyarrow, not as a failure of the task', async () => {
    const task = 'ehsanesmaeili_red-and-white-wine-quality-merged_class';
    const { verdict, predictions } = await verifyTask(join(databases, task), task, taskOptions(pool()));
    expect(predictions).toBeNull();
    expect(verdict.status).toBe('env_missing_pyarrow');
    expect(verdict.reasons).toEqual([]);
  });
});
