import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreCorpus } from '../../pipeline/score/index.ts';
import { scoreReportSchema } from '../../pipeline/score/report.ts';
import { formatJson } from '../../pipeline/store/atomic.ts';
import { deriveSeed } from '../../pipeline/util/seed.ts';
import { testdir } from '../support/testdir.ts';
import {
  copyInto,
  csvHeader,
  type ExpectedJob,
  evalFixtures,
  expectedScores,
  fixtureTasks,
  truthPath,
  writeShuffled,
} from './support.ts';

const tasks = fixtureTasks();
const variants = ['v1', 'v2'] as const;
const metricOf = (family: string, variant: 'v1' | 'v2') =>
  family === 'classification'
    ? variant === 'v1'
      ? 'exact_match'
      : 'macro_f1'
    : family === 'regression' && variant === 'v1'
      ? 'allclose'
      : 'clipped_r2';

describe('scoring the published eval fixtures', () => {
  it('gives 1.0 to every task when the predictions are the reference outputs, and is deterministic', async () => {
    const predictions = await testdir();
    for (const task of tasks) {
      for (const variant of variants) {
        const truth = truthPath(task, variant);
        if (existsSync(truth)) await copyInto(truth, join(predictions, task.task, variant, 'prediction.csv'));
      }
    }
    const report = await scoreCorpus({ corpus: evalFixtures, predictions, variant: 'both', rlReward: true });
    expect(scoreReportSchema.parse(report)).toEqual(report);

    expect(report.tasks).toHaveLength(tasks.length * 2);
    const scored = report.tasks.filter((t) => t.status === 'scored');
    expect(scored.length).toBeGreaterThanOrEqual(60);
    for (const task of scored)
      expect({ task: task.task, variant: task.variant, score: task.score }).toEqual({
        task: task.task,
        variant: task.variant,
        score: 1,
      });
    // The parquet tasks ship no simulated_pred_local.csv: their IF variant cannot be scored yet.
    const unscorable = report.tasks.filter((t) => t.status === 'unscorable');
    const withoutReference = tasks.filter(
      (t) => t.family !== 'time_series_analysis' && !existsSync(truthPath(t, 'v1')),
    );
    expect(unscorable.map((t) => [t.task, t.variant, t.reason])).toEqual(
      withoutReference.map((t) => [t.task, 'v1', 'reference_missing']).sort(),
    );
    expect(withoutReference.length).toBe(6);
    expect(report.summary.class_if.mean_score).toBe(1);
    expect(report.summary.ts_cf).toMatchObject({ tasks: 12, scored: 12, predicted: 12, mean_score: 1 });
    expect(report.summary.ts_cf.mean_reward).toBeCloseTo(1.1, 12);
    expect(report.tasks.every((t) => t.status === 'unscorable' || t.reward === 1.1)).toBe(true);
    expect(report.unmatched_prediction_folders).toEqual([]);

    const again = await scoreCorpus({ corpus: evalFixtures, predictions, variant: 'both', rlReward: true });
    expect(formatJson(again)).toBe(formatJson(report));
  });

  it('scores shuffled predictions exactly as pandas + scikit-learn do', async () => {
    const predictions = await testdir();
    const jobs: ExpectedJob[] = [];
    for (const task of tasks) {
      for (const variant of variants) {
        const truth = truthPath(task, variant);
        if (!existsSync(truth)) continue;
        const prediction = join(predictions, task.task, variant, 'prediction.csv');
        await writeShuffled(truth, prediction, task.targets, deriveSeed(7, task.task, variant));
        const ids =
          task.family === 'time_series_analysis' && variant === 'v2'
            ? csvHeader(truth).filter((c) => !task.targets.includes(c))
            : ['row_id'];
        jobs.push({
          key: `${task.task}/${variant}`,
          truth,
          prediction,
          targets: task.targets,
          ids,
          metric: metricOf(task.family, variant),
        });
      }
    }
    const expected = expectedScores(jobs);
    const report = await scoreCorpus({ corpus: evalFixtures, predictions, variant: 'both' });
    const actual = Object.fromEntries(
      report.tasks.filter((t) => t.status === 'scored').map((t) => [`${t.task}/${t.variant}`, t.score]),
    );
    expect(actual).toEqual(expected);
    // The shuffle must actually hurt: most predictive scores fall well below 1.
    const predictive = report.tasks.filter((t) => t.metric === 'clipped_r2' || t.metric === 'macro_f1');
    expect(predictive.filter((t) => (t.score ?? 1) < 0.9).length).toBeGreaterThan(predictive.length / 2);
  });
});
