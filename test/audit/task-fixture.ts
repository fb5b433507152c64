import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asDatasetId } from '../../pipeline/ids.ts';
import { writeJsonAtomic } from '../../pipeline/store/atomic.ts';
import type { Outcome } from '../../pipeline/store/outcome.ts';
import type { StageName } from '../../pipeline/store/paths.ts';
import { writeStatus } from '../../pipeline/store/status.ts';
import { testContext, testdir } from '../support/testdir.ts';

export const hostile = '<img src=x onerror="alert(1)">&';

async function record(ctx: ReturnType<typeof testContext>, stage: StageName, id: string, outcome: Outcome) {
  await writeStatus(ctx.paths, {
    stage,
    dataset: id,
    inputs_hash: 'h'.repeat(64),
    code_version: 'test',
    outcome,
    started_at: '2026-01-01T00:00:00.000Z',
    duration_ms: 42,
    artifacts: [],
  });
}

const check = (name: string, status: string, detail: string, metrics: Record<string, number> = {}) => ({
  name,
  status,
  detail,
  metrics,
});

/**
 * Two datasets through verify: d_one has a passed class task and a reg task rejected
 * noise_irrelevant (with hostile text in its detail and question); d_two declined ts at build.
 * d_one_class is released to train.
 */
export async function taskTree() {
  const root = await testdir();
  const ctx = testContext(root);
  for (const id of ['d_one', 'd_two'])
    for (const stage of ['scrape', 'profile', 'draft'] as const)
      await record(ctx, stage, id, { status: 'ok' });
  await record(ctx, 'build', 'd_one', { status: 'ok', detail: '2 task(s)' });
  await record(ctx, 'build', 'd_two', { status: 'rejected', reason: 'no_tasks', detail: 'nothing built' });
  await record(ctx, 'verify', 'd_one', { status: 'ok', detail: '1/2 task(s) passed' });
  const one = asDatasetId('d_one');
  await writeJsonAtomic(ctx.paths.artifact(one, 'build.json'), {
    dataset: 'd_one',
    tasks: [
      { family: 'classification', task: 'd_one_class', status: 'built', counts: {} },
      { family: 'regression', task: 'd_one_reg', status: 'built', counts: {} },
      {
        family: 'time_series',
        task: 'd_one_ts',
        status: 'declined',
        reason: 'no_time_column',
        detail: 'no dates',
      },
    ],
  });
  await writeJsonAtomic(ctx.paths.artifact(asDatasetId('d_two'), 'build.json'), {
    dataset: 'd_two',
    tasks: [
      {
        family: 'time_series',
        task: 'd_two_ts',
        status: 'rejected',
        reason: 'no_ranged_features',
        detail: 'x',
      },
    ],
  });
  await writeJsonAtomic(ctx.paths.artifact(one, 'draft.json'), {
    dataset: 'd_one',
    provider: 'offline',
    model: 'heuristics@1',
    families: {
      classification: { status: 'ok', decision: { target: ['species'] } },
      regression: { status: 'ok', decision: { target: ['mass'] } },
      time_series: { status: 'declined', reason: 'no_time_column', detail: 'no dates' },
    },
    requests: [],
  });
  for (const [task, format] of [
    ['d_one_class', 'csv'],
    ['d_one_reg', 'parquet'],
  ] as const) {
    const dir = join(ctx.paths.processedDir(one), 'tasks', task);
    await mkdir(join(dir, 'source'), { recursive: true });
    await mkdir(join(dir, 'verify'), { recursive: true });
    await writeFile(join(dir, 'source', `train_v1.${format}`), 'a,b\n1,2\n');
    await writeFile(join(dir, 'source', `val_v1.${format}`), 'a\n1\n');
    await writeFile(
      join(dir, 'question_entry.json'),
      JSON.stringify({
        file_path: task,
        question_v1: `Filter the rows then predict ${task === 'd_one_reg' ? hostile : 'species'}.`,
        question_v2: 'Train any model you like.',
        task: task.endsWith('class') ? 'classification' : 'regression',
      }),
    );
    await writeFile(
      join(dir, 'verify', 'all_metadata.json'),
      JSON.stringify({
        question: {
          target: [task.endsWith('class') ? 'species' : 'mass'],
          selected_features: ['a', 'b'],
          expected_ranges: { a: [0, 5] },
          model_type: 'DecisionTreeRegressor',
          random_state: 7,
          save_file_type: format,
        },
      }),
    );
  }
  await writeJsonAtomic(ctx.paths.artifact(one, 'verdict.json'), {
    dataset: 'd_one',
    environment: { python: '3.11' },
    tasks: [
      {
        task: 'd_one_class',
        family: 'class',
        status: 'passed',
        reasons: [],
        flags: ['weak_discrimination'],
        reference_sha256: null,
        checks: [
          check('determinism', 'pass', 'identical bytes twice', { bytes: 10 }),
          check('discrimination', 'flag', 'caught by 2 of 6', { caught: 2 }),
          check('learnable', 'pass', 'beats majority', { strong: 0.8, trivial: 0.3, margin: 0.5 }),
          check('leak', 'pass', 'below 0.99', { strong: 0.8 }),
        ],
      },
      {
        task: 'd_one_reg',
        family: 'reg',
        status: 'rejected',
        reasons: ['noise_irrelevant'],
        flags: [],
        reference_sha256: null,
        checks: [
          check('determinism', 'pass', 'identical bytes twice'),
          check('discrimination', 'fail', `skipping the range filter does not change the output ${hostile}`, {
            caught: 1,
            changed_skip_range_filter: 0,
          }),
          check('learnable', 'pass', 'beats mean', { strong: 0.9, trivial: 0, margin: 0.9 }),
        ],
      },
    ],
  });
  await mkdir(join(ctx.paths.splits, '1.0.0'), { recursive: true });
  await writeFile(
    join(ctx.paths.splits, '1.0.0', 'manifest.json'),
    JSON.stringify({ tasks: [{ task: 'd_one_class', split: 'train' }] }),
  );
  return { root, ctx };
}
