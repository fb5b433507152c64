import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreCorpus } from '../../pipeline/score/index.ts';
import { scoreReportSchema } from '../../pipeline/score/report.ts';
import { testdir } from '../support/testdir.ts';
import { corpusTree } from './support.ts';

const truth = 'row_id,y\n1,1.5\n2,2.5\n3,3.5\n4,4.5\n';

/** Each malformed prediction file and the reason it must score 0 with. */
const cases: Record<string, { file: string | null; reason: string }> = {
  missing_file: { file: null, reason: 'missing_prediction' },
  empty: { file: '', reason: 'empty_file' },
  ragged: { file: 'row_id,y\n1,1.5\n2,2.5,9\n3,3.5\n4,4.5\n', reason: 'malformed_csv' },
  no_row_id: { file: 'id,y\n1,1.5\n2,2.5\n3,3.5\n4,4.5\n', reason: 'missing_id_columns' },
  text_row_id: { file: 'row_id,y\na,1.5\nb,2.5\nc,3.5\nd,4.5\n', reason: 'id_type_mismatch' },
  // The inner join grows past the ground truth's four rows: 0, as the published evaluator.
  duplicate_row_ids: { file: 'row_id,y\n1,1.5\n1,2.5\n2,2.5\n3,3.5\n4,4.5\n', reason: 'duplicate_ids' },
  missing_rows: { file: 'row_id,y\n1,1.5\n2,2.5\n3,3.5\n', reason: 'row_count_mismatch' },
  missing_column: { file: 'row_id,z\n1,1.5\n2,2.5\n3,3.5\n4,4.5\n', reason: 'missing_target_column' },
  text_in_target: { file: 'row_id,y\n1,1.5\n2,two\n3,3.5\n4,4.5\n', reason: 'non_numeric_values' },
  na_in_target: { file: 'row_id,y\n1,1.5\n2,NA\n3,3.5\n4,4.5\n', reason: 'missing_values' },
  infinite: { file: 'row_id,y\n1,1.5\n2,inf\n3,3.5\n4,4.5\n', reason: 'non_finite_values' },
};

describe('malformed prediction files', () => {
  it('each score 0 with its own reason (regression MM), and the rest of the corpus still scores', async () => {
    const names = Object.keys(cases);
    const corpus = await testdir(
      corpusTree([
        ...names.map((name) => ({
          task: `m_${name}_reg`,
          family: 'regression' as const,
          targets: ['y'],
          verify: { 'ground_truth.csv': truth },
        })),
        { task: 'ok_reg', family: 'regression', targets: ['y'], verify: { 'ground_truth.csv': truth } },
      ]),
    );
    const files: Record<string, string> = {
      'ok_reg/prediction.csv': 'row_id,y\n4,4.5\n3,3.5\n2,2.5\n1,1.5\n',
    };
    for (const [name, { file }] of Object.entries(cases))
      if (file !== null) files[`m_${name}_reg/prediction.csv`] = file;
    const predictions = await testdir(files);

    const report = await scoreCorpus({ corpus, predictions, variant: 'v2', rlReward: true });
    expect(scoreReportSchema.parse(report)).toEqual(report);
    const byTask = new Map(report.tasks.map((t) => [t.task, t]));
    for (const [name, { reason }] of Object.entries(cases)) {
      const task = byTask.get(`m_${name}_reg`);
      expect({ name, status: task?.status, score: task?.score, reason: task?.reason }).toEqual({
        name,
        status: 'scored',
        score: 0,
        reason,
      });
      expect(task?.detail).toEqual(expect.any(String));
      expect(task?.reward).toBe(name === 'missing_file' ? 0 : 0.1);
    }
    expect(new Set(Object.values(cases).map((c) => c.reason)).size).toBe(names.length);
    expect(byTask.get('ok_reg')).toMatchObject({ score: 1, reason: null, reward: 1.1 });
    expect(report.summary.reg_mm).toMatchObject({
      tasks: names.length + 1,
      scored: names.length + 1,
      predicted: names.length,
    });
    expect(report.summary.reg_mm.mean_score).toBeCloseTo(1 / (names.length + 1), 15);
    expect(report.summary.reg_mm.mean_score_predicted).toBeCloseTo(1 / names.length, 15);
  });

  it('scores IF regression with allclose and says why a file fails it', async () => {
    const corpus = await testdir(
      corpusTree(
        ['close', 'far', 'text'].map((name) => ({
          task: `${name}_reg`,
          family: 'regression' as const,
          targets: ['y'],
          verify: { 'simulated_pred_local.csv': 'row_id,y\n1,100\n2,-3\n' },
        })),
      ),
    );
    const predictions = await testdir({
      // |100 - 100.0009| <= 1e-8 + 1e-5 * 100.0009: inside numpy's default tolerance.
      'close_reg/prediction.csv': 'row_id,y\n1,100.0009\n2,-3.00000001\n',
      'far_reg/prediction.csv': 'row_id,y\n1,100.002\n2,-3\n',
      'text_reg/prediction.csv': 'row_id,y\n1,100\n2,minus three\n',
    });
    const report = await scoreCorpus({ corpus, predictions, variant: 'v1' });
    expect(report.tasks.map((t) => [t.task, t.score, t.reason])).toEqual([
      ['close_reg', 1, null],
      ['far_reg', 0, 'not_close'],
      ['text_reg', 0, 'non_numeric_values'],
    ]);
  });

  it('refuses a corpus or predictions path that is not there, naming it', async () => {
    const corpus = await testdir(corpusTree([]));
    const missing = join(corpus, 'nope');
    await expect(scoreCorpus({ corpus: missing, predictions: corpus, variant: 'v2' })).rejects.toThrow(
      missing,
    );
    await expect(scoreCorpus({ corpus, predictions: missing, variant: 'v2' })).rejects.toThrow(
      /--predictions .*nope: not a folder/,
    );
    const empty = await testdir({ 'x.txt': '' });
    await expect(scoreCorpus({ corpus: empty, predictions: corpus, variant: 'v2' })).rejects.toThrow(
      /no question_list\.json there/,
    );
  });
});
