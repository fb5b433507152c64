import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreCorpus } from '../../pipeline/score/index.ts';
import { testdir } from '../support/testdir.ts';
import { corpusTree, type ExpectedJob, expectedScores, type Family } from './support.ts';

interface Case {
  family: Family;
  variant: 'v1' | 'v2';
  targets: string[];
  truth: string;
  prediction: string;
  /** Our reason when the score is 0 (or a target failed); null when nothing failed. */
  reason: string | null;
  /** What the published evaluator tolerates: scored as it does, and warned about. */
  warnings?: string[];
}

const labels = 'row_id,label\n1,1\n2,0\n3,1\n4,2\n';
const flags = 'row_id,label\n1,True\n2,False\n3,True\n4,True\n';
const values = 'row_id,y\n1,1.5\n2,2.5\n3,3.5\n4,4.5\n';
const series = 'date,store,sales\n2023-10-20,1,10\n2023-10-20,2,20\n2023-10-21,1,12\n2023-10-21,2,18\n';
const cls = (variant: 'v1' | 'v2', truth: string, prediction: string, reason: string | null): Case => ({
  family: 'classification',
  variant,
  targets: ['label'],
  truth,
  prediction,
  reason,
});
const reg = (variant: 'v1' | 'v2', prediction: string, reason: string | null, truth = values): Case => ({
  family: 'regression',
  variant,
  targets: ['y'],
  truth,
  prediction,
  reason,
});
const ts = (prediction: string, reason: string | null): Case => ({
  family: 'time_series_analysis',
  variant: 'v2',
  targets: ['sales'],
  truth: series,
  prediction,
  reason,
});

/** Edge cases of typing, alignment and metric errors, each checked against pandas + sklearn. */
const cases: Record<string, Case> = {
  float_labels_if: cls('v1', labels, 'row_id,label\n1,1.0\n2,0.0\n3,1.0\n4,2.0\n', null),
  float_labels_mm: cls('v2', labels, 'row_id,label\n1,1.0\n2,0.0\n3,1.0\n4,1.0\n', null),
  fractional_labels_mm: cls('v2', labels, 'row_id,label\n1,1.5\n2,0\n3,1\n4,1\n', 'continuous_labels'),
  text_labels_mm: cls('v2', labels, 'row_id,label\n1,a\n2,0\n3,1\n4,1\n', 'label_type_mix'),
  na_label_mm: cls('v2', labels, 'row_id,label\n1,\n2,0\n3,1\n4,1\n', 'missing_values'),
  na_label_if: cls('v1', labels, 'row_id,label\n1,\n2,0\n3,1\n4,2\n', 'mismatch'),
  bool_spellings_mm: cls('v2', flags, 'row_id,label\n1,true\n2,TRUE\n3,True\n4,False\n', null),
  bool_as_int_if: cls('v1', flags, 'row_id,label\n1,1\n2,0\n3,1\n4,1\n', null),
  float_row_ids: reg('v2', 'row_id,y\n1.0,1\n2.0,2.5\n3.0,3.5\n4.0,4\n', null),
  negative_r2: reg('v2', 'row_id,y\n1,4.5\n2,3.5\n3,2.5\n4,1.5\n', null),
  text_value_mm: reg('v2', 'row_id,y\n1,x\n2,2.5\n3,3.5\n4,4\n', 'non_numeric_values'),
  infinite_mm: reg('v2', 'row_id,y\n1,inf\n2,2.5\n3,3.5\n4,4.5\n', 'non_finite_values'),
  na_value_if: reg('v1', 'row_id,y\n1,NA\n2,2.5\n3,3.5\n4,4.5\n', 'missing_values'),
  infinities_if: reg('v1', 'row_id,y\n1,-inf\n2,2.5\n', null, 'row_id,y\n1,-Infinity\n2,2.5\n'),
  missing_rows: reg('v2', 'row_id,y\n1,1\n2,2.5\n', 'row_count_mismatch'),
  bom_crlf_quotes: reg('v2', '\ufeff"row_id","y"\r\n1,"1.6"\r\n2,2.5\r\n3,3.5\r\n4,4.5\r\n', null),
  index_column: reg('v2', ',row_id,y\n0,1,1.6\n1,2,2.5\n2,3,3.5\n3,4,4.5\n', null),
  float_entities: ts(
    'date,store,sales\n2023-10-21,2.0,17\n2023-10-20,1.0,10\n2023-10-20,2.0,21\n2023-10-21,1.0,12\n',
    null,
  ),
  missing_entity: ts('date,sales\n2023-10-21,17\n', 'missing_id_columns'),
  // The published evaluator's inner join ignores unknown ids and lets a repeated id stand in
  // for a missing one as long as the join keeps the ground truth's length.
  extra_rows_mm: { ...reg('v2', `${values}5,5.5\n6,9\n`, null), warnings: ['extra_rows_ignored'] },
  extra_rows_if: {
    ...cls('v1', labels, 'row_id,label\n9,0\n4,2\n3,1\n2,0\n1,1\n', null),
    warnings: ['extra_rows_ignored'],
  },
  duplicate_scores_mm: {
    ...reg('v2', 'row_id,y\n1,1.6\n1,1.2\n2,2.5\n3,3.5\n', null),
    warnings: ['duplicate_ids_scored'],
  },
  duplicate_scores_if: {
    ...cls('v1', 'row_id,label\n1,1\n2,1\n3,1\n4,1\n', 'row_id,label\n1,1\n1,1\n2,1\n3,1\n', null),
    warnings: ['duplicate_ids_scored'],
  },
  duplicate_and_extra_ts: {
    ...ts(
      'date,store,sales\n2023-10-21,2,17\n2023-10-20,1,10\n2023-10-20,1,11\n2023-10-21,1,12\n2023-10-22,1,5\n',
      null,
    ),
    warnings: ['extra_rows_ignored', 'duplicate_ids_scored'],
  },
  duplicate_too_long: reg('v2', 'row_id,y\n1,1.5\n1,1.5\n2,2.5\n3,3.5\n4,4.5\n', 'duplicate_ids'),
  // pandas refuses to merge int64 with object keys (the published evaluator crashes here).
  text_entities: ts(
    'date,store,sales\n2023-10-21,s2,17\n2023-10-20,s1,10\n2023-10-20,s2,21\n2023-10-21,s1,12\n',
    'id_type_mismatch',
  ),
};

function truthName(c: Case): string {
  if (c.family === 'time_series_analysis') return `ground_truth_${c.variant}.csv`;
  return c.variant === 'v1' ? 'simulated_pred_local.csv' : 'ground_truth.csv';
}

describe('agreement with pandas + scikit-learn on edge cases', () => {
  it('gives the score they give, and 0 with a reason where they raise', async () => {
    const entries = Object.entries(cases);
    const corpus = await testdir(
      corpusTree(
        entries.map(([name, c]) => ({
          task: name,
          family: c.family,
          targets: c.targets,
          verify: { [truthName(c)]: c.truth },
        })),
      ),
    );
    const predictions = await testdir(
      Object.fromEntries(entries.map(([name, c]) => [`${name}/${c.variant}/prediction.csv`, c.prediction])),
    );
    const jobs: ExpectedJob[] = entries.map(([name, c]) => ({
      key: name,
      truth: join(corpus, 'databases', name, 'verify', truthName(c)),
      prediction: join(predictions, name, c.variant, 'prediction.csv'),
      targets: c.targets,
      ids: c.family === 'time_series_analysis' && c.variant === 'v2' ? ['date', 'store'] : ['row_id'],
      metric:
        c.family === 'classification'
          ? c.variant === 'v1'
            ? 'exact_match'
            : 'macro_f1'
          : c.family === 'regression' && c.variant === 'v1'
            ? 'allclose'
            : 'clipped_r2',
    }));
    const expected = expectedScores(jobs);
    const report = await scoreCorpus({ corpus, predictions, variant: 'both' });
    const ours = Object.fromEntries(
      report.tasks
        .filter((t) => t.variant === cases[t.task]?.variant)
        .map((t) => [t.task, [t.score, t.reason, t.warnings.map((w) => w.code)]]),
    );
    const wanted = Object.fromEntries(
      entries.map(([name, c]) => [name, [expected[name] ?? 0, c.reason, c.warnings ?? []]]),
    );
    expect(ours).toEqual(wanted);
    expect(expected.text_entities).toBeNull();
    // The tolerated cases really score (not a 0 that would agree by accident).
    for (const name of ['extra_rows_mm', 'extra_rows_if', 'duplicate_scores_if'])
      expect({ name, score: expected[name] }).toEqual({ name, score: 1 });
    for (const name of ['duplicate_scores_mm', 'duplicate_and_extra_ts'])
      expect(expected[name]).toBeGreaterThan(0);
    expect(
      Object.values(expected).filter((score) => score !== null && score > 0 && score < 1).length,
    ).toBeGreaterThanOrEqual(4);
  });
});
