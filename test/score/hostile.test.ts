import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreCorpus } from '../../pipeline/score/index.ts';
import { scoreReportSchema } from '../../pipeline/score/report.ts';
import { testdir } from '../support/testdir.ts';
import { corpusTree } from './support.ts';

const truth = 'row_id,y\n1,1.5\n2,2.5\n3,3.5\n4,4.5\n';
const MB = 1024 * 1024;
const limits = { maxFileBytes: 8 * MB, maxMetadataBytes: 32 * MB, maxPredictionBytes: 1 * MB };

function regTask(task: string, metadata?: string) {
  return {
    task,
    family: 'regression' as const,
    targets: ['y'],
    verify: { 'ground_truth.csv': truth },
    metadata,
  };
}

/** A corpus whose all_metadata.json can be replaced by raw text (hostile JSON). */
async function corpusWith(tasks: ReturnType<typeof regTask>[]): Promise<string> {
  const tree = corpusTree(tasks);
  for (const t of tasks)
    if (t.metadata !== undefined) tree[`databases/${t.task}/verify/all_metadata.json`] = t.metadata;
  return testdir(tree);
}

describe('score against hostile predictions', () => {
  it('never follows links or reads special or oversized files; every other task still scores', async () => {
    const corpus = await corpusWith(
      ['ok_reg', 'link_reg', 'dirlink_reg', 'fifo_reg', 'zero_reg', 'big_reg'].map((t) => regTask(t)),
    );
    const predictions = await testdir({ 'ok_reg/prediction.csv': truth });
    // A link into the corpus's own answers scored 1.0 before.
    await mkdir(join(predictions, 'link_reg'));
    await symlink(
      join(corpus, 'databases', 'link_reg', 'verify', 'ground_truth.csv'),
      join(predictions, 'link_reg', 'prediction.csv'),
    );
    // The task folder itself a link to the answers.
    await symlink(join(corpus, 'databases', 'dirlink_reg', 'verify'), join(predictions, 'dirlink_reg'));
    await writeFile(join(corpus, 'databases', 'dirlink_reg', 'verify', 'prediction.csv'), truth);
    // A FIFO nobody writes to: reading it would block forever.
    await mkdir(join(predictions, 'fifo_reg'));
    execFileSync('mkfifo', [join(predictions, 'fifo_reg', 'prediction.csv')]);
    // An endless file.
    await mkdir(join(predictions, 'zero_reg'));
    await symlink('/dev/zero', join(predictions, 'zero_reg', 'prediction.csv'));
    // Over the cap (1 MB here): a valid CSV, so only the cap refuses it.
    await mkdir(join(predictions, 'big_reg'));
    await writeFile(join(predictions, 'big_reg', 'prediction.csv'), truth + '5,5.5\n'.repeat(250_000));

    const report = await scoreCorpus({ corpus, predictions, variant: 'v2', limits });
    expect(scoreReportSchema.parse(report)).toEqual(report);
    const outcome = Object.fromEntries(report.tasks.map((t) => [t.task, [t.status, t.score, t.reason]]));
    expect(outcome).toEqual({
      big_reg: ['scored', 0, 'prediction_too_large'],
      dirlink_reg: ['scored', 0, 'prediction_refused'],
      fifo_reg: ['scored', 0, 'prediction_refused'],
      link_reg: ['scored', 0, 'prediction_refused'],
      ok_reg: ['scored', 1, null],
      zero_reg: ['scored', 0, 'prediction_refused'],
    });
    const detail = Object.fromEntries(report.tasks.map((t) => [t.task, t.detail]));
    expect(detail.link_reg).toMatch(/^link: .*symbolic link/);
    expect(detail.fifo_reg).toMatch(/^special_file: .*a FIFO/);
    expect(detail.big_reg).toMatch(/^too_large: .*1\.0 MB cap/);
  });

  it('refuses linked or special ground-truth files in the corpus (unscorable, never read)', async () => {
    const corpus = await corpusWith([regTask('ok_reg'), regTask('linked_reg'), regTask('fifo_reg')]);
    const secret = await testdir({ 'secret.csv': truth });
    const linked = join(corpus, 'databases', 'linked_reg', 'verify', 'ground_truth.csv');
    execFileSync('rm', [linked]);
    await symlink(join(secret, 'secret.csv'), linked);
    const fifo = join(corpus, 'databases', 'fifo_reg', 'verify', 'ground_truth.csv');
    execFileSync('rm', [fifo]);
    execFileSync('mkfifo', [fifo]);
    const predictions = await testdir({
      'ok_reg/prediction.csv': truth,
      'linked_reg/prediction.csv': truth,
      'fifo_reg/prediction.csv': truth,
    });
    const report = await scoreCorpus({ corpus, predictions, variant: 'v2', limits });
    expect(Object.fromEntries(report.tasks.map((t) => [t.task, [t.status, t.reason]]))).toEqual({
      fifo_reg: ['unscorable', 'corpus_file_refused'],
      linked_reg: ['unscorable', 'corpus_file_refused'],
      ok_reg: ['scored', null],
    });
  });

  it('reads all_metadata.json leniently like the published evaluator: bare NaN, a 12 MB string, deep nesting', async () => {
    const question = (extra: string) =>
      `{"question": {"target": ["y"], "problem_type": "regression"${extra}}}`;
    const corpus = await corpusWith([
      regTask('nan_reg', question(', "mean": NaN, "range": [-Infinity, Infinity]')),
      regTask('long_reg', question(`, "description": "${'x'.repeat(12 * MB)}"`)),
      regTask('deep_reg', question(`, "deep": ${'['.repeat(5000)}${']'.repeat(5000)}`)),
      regTask('broken_reg', question(', "mean": nan')),
    ]);
    const predictions = await testdir(
      Object.fromEntries(
        ['nan_reg', 'long_reg', 'deep_reg', 'broken_reg'].map((t) => [`${t}/prediction.csv`, truth]),
      ),
    );
    const report = await scoreCorpus({ corpus, predictions, variant: 'v2', limits });
    const outcome = Object.fromEntries(report.tasks.map((t) => [t.task, [t.status, t.score, t.reason]]));
    expect(outcome).toEqual({
      broken_reg: ['unscorable', null, 'metadata_invalid'],
      deep_reg: ['unscorable', null, 'metadata_invalid'],
      long_reg: ['scored', 1, null],
      nan_reg: ['scored', 1, null],
    });
    expect(report.tasks.find((t) => t.task === 'deep_reg')?.detail).toMatch(/deeper than 1000 levels/);
  });

  it('refuses a metadata file over corpus.limits.max_metadata_mb', async () => {
    const corpus = await corpusWith([
      regTask(
        'huge_reg',
        `{"question": {"target": ["y"], "problem_type": "regression", "d": "${'x'.repeat(2 * MB)}"}}`,
      ),
    ]);
    const predictions = await testdir({ 'huge_reg/prediction.csv': truth });
    const report = await scoreCorpus({
      corpus,
      predictions,
      variant: 'v2',
      limits: { ...limits, maxMetadataBytes: MB },
    });
    expect(report.tasks.map((t) => [t.status, t.reason])).toEqual([['unscorable', 'corpus_file_refused']]);
  });
});
