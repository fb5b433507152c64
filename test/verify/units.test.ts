import { describe, expect, it } from 'vitest';
import { compareOutputs } from '../../pipeline/stages/verify/drift.ts';
import { discrimination, learnability } from '../../pipeline/stages/verify/tabular.ts';
import { decideTask, fail, flag, fromProgramFailure, pass } from '../../pipeline/stages/verify/verdict.ts';
import { checks } from './support.ts';

describe('drift between a regenerated and a shipped prediction file', () => {
  it('tells identical bytes, last-digit float noise, and real differences apart', () => {
    const shipped = Buffer.from('row_id,y\n1,0.30000000000000004\n2,"a, b"\n');
    expect(compareOutputs(Buffer.from(shipped), shipped).kind).toBe('identical');
    expect(compareOutputs(Buffer.from('row_id,y\n1,0.3\n2,"a, b"\n'), shipped)).toEqual({
      kind: 'float',
      cells_differing: 1,
      max_relative_difference: expect.any(Number),
    });
    expect(compareOutputs(Buffer.from('row_id,y\n1,0.31\n2,"a, b"\n'), shipped).kind).toBe('values');
    expect(compareOutputs(Buffer.from('row_id,y\n1,0.30000000000000004\n2,a\n'), shipped).kind).toBe(
      'values',
    );
    expect(compareOutputs(Buffer.from('row_id,y\n1,0.3\n'), shipped).kind).toBe('values');
    expect(compareOutputs(null, shipped).kind).toBe('not_regenerated');
    expect(compareOutputs(shipped, null).kind).toBe('missing_shipped');
  });

  it('reads quoted csv cells the way pandas writes them, a missing cell as the empty string', () => {
    const shipped = Buffer.from('a,b\n"x ""q"", y",\n');
    expect(compareOutputs(Buffer.from('a,b\r\n"x ""q"", y",""\r\n'), shipped)).toEqual({
      kind: 'float',
      cells_differing: 0,
      max_relative_difference: 0,
    });
    expect(compareOutputs(Buffer.from('a,b\n"x ""q"", z",\n'), shipped)).toMatchObject({
      kind: 'values',
      cells_differing: 1,
    });
  });
});

describe('verdict decisions', () => {
  it('rejects on any failure, reports env_missing only when nothing failed, and keeps flags', () => {
    expect(
      decideTask('t_class', 'class', [pass('a', ''), flag('b', 'leak_suspected', '')], null),
    ).toMatchObject({
      status: 'passed',
      reasons: [],
      flags: ['leak_suspected'],
    });
    const env = fromProgramFailure('c', 'env_missing_pyarrow', 'no pyarrow');
    expect(decideTask('t_class', 'class', [env], null).status).toBe('env_missing_pyarrow');
    expect(decideTask('t_class', 'class', [env, fail('d', 'nondeterministic', '')], null)).toMatchObject({
      status: 'rejected',
      reasons: ['nondeterministic'],
    });
  });

  it('flags weak discrimination and rejects when the range filter does not matter', () => {
    const outcome = (changed: number, applies = true) => ({
      applies,
      changed_fraction: changed,
      error: null,
    });
    const strong = discrimination(
      { skip_range_filter: outcome(0.2), wrong_imputer: outcome(0.1), no_scaling: outcome(0.3) },
      3,
    );
    expect(strong.check.status).toBe('pass');
    expect(strong.check.metrics.caught).toBe(3);
    const weak = discrimination(
      { skip_range_filter: outcome(0.2), other_random_state: outcome(0, false) },
      3,
    );
    expect(weak.flag).toBe('weak_discrimination');
    expect(weak.check.metrics).not.toHaveProperty('changed_other_random_state');
    expect(discrimination({ skip_range_filter: outcome(0), no_scaling: outcome(1) }, 1).reason).toBe(
      'noise_irrelevant',
    );
  });

  it('averages MM scores over targets before judging learnability', () => {
    const [learnable, leak] = learnability(
      {
        metric: 'clipped_r2',
        features: 2,
        targets: {
          a: { strong: 0.5, trivial: 0, leak_columns: [], exact_leak_columns: [] },
          b: { strong: 0, trivial: 0, leak_columns: [], exact_leak_columns: [] },
        },
      },
      checks,
    );
    expect(learnable?.check.metrics.strong).toBe(0.25);
    expect(learnable?.check.status).toBe('pass');
    expect(leak?.check.status).toBe('pass');
  });
});
