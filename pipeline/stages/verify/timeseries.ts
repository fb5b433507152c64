import { join } from 'node:path';
import { type TaskQuestion, targetsOf } from './metadata.ts';
import { runCheckProgram, type TsResults, tsResultsSchema } from './python-checks.ts';
import type { TaskVerdict } from './schema.ts';
import type { TaskCheckOptions } from './tabular.ts';
import { type CheckOutcome, decideTask, fail, fromProgramFailure, pass } from './verdict.ts';

/** (6) Constant ground truth is rejected; naive and seasonal-naive baselines are scored. */
export function timeSeriesOutcomes(results: TsResults): CheckOutcome[] {
  const targets = Object.entries(results.targets);
  const constant = targets.filter(([, t]) => t.distinct_values <= 1).map(([name]) => name);
  const sizes = { rows_v1: results.rows_v1, rows_v2: results.rows_v2, entities: results.entities };
  const groundTruth =
    constant.length > 0
      ? fail(
          'ground_truth',
          'constant_ground_truth',
          `ground truth of ${constant.join(', ')} is constant: R2 is undefined`,
          sizes,
        )
      : pass('ground_truth', `${results.rows_v1} future rows vary`, sizes);
  const metrics: Record<string, number> = {};
  const parts: string[] = [];
  for (const [name, t] of targets) {
    if (t.naive_r2 !== null) metrics[`naive_r2_${name}`] = t.naive_r2;
    if (t.seasonal_naive_r2 !== null) metrics[`seasonal_naive_r2_${name}`] = t.seasonal_naive_r2;
    parts.push(
      `${name}: naive ${t.naive_r2?.toFixed(4) ?? 'n/a'}, seasonal-naive ${t.seasonal_naive_r2?.toFixed(4) ?? 'n/a'}`,
    );
  }
  const scored = (key: 'naive_r2' | 'seasonal_naive_r2') =>
    targets.map(([, t]) => t[key]).filter((v) => v !== null);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  if (scored('naive_r2').length > 0) metrics.naive_r2 = mean(scored('naive_r2'));
  if (scored('seasonal_naive_r2').length > 0) metrics.seasonal_naive_r2 = mean(scored('seasonal_naive_r2'));
  return [groundTruth, pass('ts_baselines', `clipped R2 ${parts.join('; ')}`, metrics)];
}

export async function verifyTimeSeriesTask(
  taskDir: string,
  task: string,
  question: TaskQuestion,
  options: TaskCheckOptions,
): Promise<TaskVerdict> {
  if (!question.time_column) {
    return decideTask(
      task,
      'ts',
      [fail('parameters', 'invalid_task', 'all_metadata.json question lacks time_column')],
      null,
    );
  }
  const outcome = await runCheckProgram(
    'verify_ts.py',
    {
      'train.csv': join(taskDir, 'source', 'train.csv'),
      'ground_truth_v1.csv': join(taskDir, 'verify', 'ground_truth_v1.csv'),
      'ground_truth_v2.csv': join(taskDir, 'verify', 'ground_truth_v2.csv'),
    },
    { question: { ...question, target: targetsOf(question) }, season_length: options.checks.season_length },
    tsResultsSchema,
    options.run,
  );
  if (outcome.status !== 'ok' || !('results' in outcome)) {
    return decideTask(
      task,
      'ts',
      [fromProgramFailure('ts_checks', outcome.status, 'detail' in outcome ? outcome.detail : '')],
      null,
    );
  }
  return decideTask(task, 'ts', timeSeriesOutcomes(outcome.results), null);
}
