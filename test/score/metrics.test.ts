import { describe, expect, it } from 'vitest';
import { parseFrame } from '../../pipeline/score/frame.ts';
import { scoreCorpus } from '../../pipeline/score/index.ts';
import { macroF1, r2Score } from '../../pipeline/score/numeric.ts';
import { testdir } from '../support/testdir.ts';
import { corpusTree } from './support.ts';

describe('metric kernels (hand-computed)', () => {
  it('macro-F1 averages per-label F1 over the union of labels, 0 where undefined', () => {
    // a: P 1/2 R 1/2 F 1/2; b: P 1/2 R 1 F 2/3; c: never predicted, F 0. Mean 7/18.
    const pairs: [string, string][] = [
      ['a', 'a'],
      ['a', 'b'],
      ['b', 'b'],
      ['c', 'a'],
    ];
    expect(macroF1(pairs)).toBeCloseTo(7 / 18, 15);
    // A label only predicted still counts in the mean: F(x)=0, F(y)=1 -> 1/2.
    expect(
      macroF1([
        [1, 1],
        [1, 1],
        [1, 1],
        [1, 2],
      ]),
    ).toBeCloseTo((6 / 7 + 0) / 2, 15);
  });

  it('R^2 is 1 - SSE/SST, with sklearn conventions for a constant truth', () => {
    expect(r2Score([1, 2, 3, 4], [1, 2, 3, 5])).toBe(0.8);
    expect(r2Score([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-3);
    expect(r2Score([2, 2, 2], [2, 2, 2])).toBe(1);
    expect(r2Score([2, 2, 2], [2, 2, 3])).toBe(0);
  });
});

describe('reading values as pandas does', () => {
  it('types each column from all its cells', () => {
    const result = parseFrame('a,b,c,d,e\n1,x,True,NA, 2.5\n2.0,3,false,,inf\n\n');
    if (!result.ok) throw new Error(result.detail);
    const values = (name: string) => result.frame.byName.get(name);
    expect(result.frame.rowCount).toBe(2);
    expect(values('a')).toEqual({ kind: 'number', values: [1, 2] });
    expect(values('b')).toEqual({ kind: 'string', values: ['x', '3'] });
    expect(values('c')).toEqual({ kind: 'number', values: [1, 0] });
    expect(values('d')).toEqual({ kind: 'number', values: [null, null] });
    expect(values('e')).toEqual({ kind: 'number', values: [2.5, Infinity] });
  });
});

describe('scoring semantics on a small corpus', () => {
  const classTruth = 'row_id,label\n1,1\n2,0\n3,1\n4,2\n';
  const tsTruth = 'date,store,sales\n2023-10-20,1,10\n2023-10-20,2,20\n2023-10-21,1,12\n2023-10-21,2,18\n';
  const corpus = () =>
    testdir(
      corpusTree([
        {
          task: 'floats_class',
          family: 'classification',
          targets: ['label'],
          verify: { 'simulated_pred_local.csv': classTruth, 'ground_truth.csv': classTruth },
        },
        {
          task: 'mixed_class',
          family: 'classification',
          targets: ['label'],
          verify: { 'simulated_pred_local.csv': classTruth, 'ground_truth.csv': classTruth },
        },
        {
          task: 'two_targets_reg',
          family: 'regression',
          targets: ['a', 'b'],
          verify: { 'ground_truth.csv': 'row_id,a,b\n1,1,5\n2,2,6\n3,3,7\n4,4,8\n' },
        },
        {
          task: 'sorted_ts',
          family: 'time_series_analysis',
          targets: ['sales'],
          verify: { 'ground_truth_v1.csv': 'row_id,sales\n1,10\n2,20\n', 'ground_truth_v2.csv': tsTruth },
        },
        {
          task: 'timestamps_ts',
          family: 'time_series_analysis',
          targets: ['sales'],
          verify: { 'ground_truth_v1.csv': 'row_id,sales\n1,10\n2,20\n', 'ground_truth_v2.csv': tsTruth },
        },
      ]),
    );

  it('matches labels by value and time-series CF rows by time + entity in any order', async () => {
    const predictions = await testdir({
      // 1.0 is the label 1 (pandas reads the column as numbers); row order does not matter.
      'floats_class/v1/prediction.csv': 'row_id,label\n4,2.0\n3,1.0\n2,0.0\n1,1.0\n',
      'floats_class/v2/prediction.csv': 'row_id,label\n1,1\n2,1\n3,1\n4,2\n',
      // One text cell makes the whole column text: "1" is then not the label 1.
      'mixed_class/v1/prediction.csv': 'row_id,label\n1,1\n2,0\n3,1\n4,two\n',
      'mixed_class/v2/prediction.csv': 'row_id,label\n1,1\n2,0\n3,1\n4,two\n',
      // Target a perfect, target b missing: the mean over targets is 1/2.
      'two_targets_reg/v2/prediction.csv': 'row_id,a\n1,1\n2,2\n3,3\n4,4\n',
      'sorted_ts/v2/prediction.csv':
        'store,date,sales\n2,2023-10-21,18\n1,2023-10-20,10\n2,2023-10-20,20\n1,2023-10-21,12\n',
      'timestamps_ts/v2/prediction.csv':
        'date,store,sales\n2023-10-20 00:00:00,1,10\n2023-10-20 00:00:00,2,20\n2023-10-21 00:00:00,1,12\n2023-10-21 00:00:00,2,18\n',
    });
    const report = await scoreCorpus({ corpus: await corpus(), predictions, variant: 'both' });
    const outcome = Object.fromEntries(
      report.tasks
        .filter((t) => t.prediction_exists)
        .map((t) => [`${t.task}/${t.variant}`, [t.score, t.reason]]),
    );
    expect(outcome).toEqual({
      'floats_class/v1': [1, null],
      // labels 0,1,2: F(0)=0, F(1)=2*(2/3)*1/(5/3)=0.8, F(2)=1
      'floats_class/v2': [expect.closeTo(1.8 / 3, 15), null],
      'mixed_class/v1': [0, 'mismatch'],
      'mixed_class/v2': [0, 'label_type_mix'],
      'two_targets_reg/v2': [0.5, 'missing_target_column'],
      'sorted_ts/v2': [1, null],
      'timestamps_ts/v2': [0, 'row_count_mismatch'],
    });
    const twoTargets = report.tasks.find((t) => t.task === 'two_targets_reg' && t.variant === 'v2');
    expect(twoTargets?.targets.map((t) => [t.target, t.score, t.reason])).toEqual([
      ['a', 1, null],
      ['b', 0, 'missing_target_column'],
    ]);
    // Not asked for, the IF and XF files are missing: 0 with a reason, not an error.
    expect(report.tasks.find((t) => t.task === 'sorted_ts' && t.variant === 'v1')).toMatchObject({
      score: 0,
      reason: 'missing_prediction',
      prediction: 'sorted_ts/v1/prediction.csv',
    });
  });
});
