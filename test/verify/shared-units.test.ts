import { describe, expect, it } from 'vitest';
import { encodeFile, type RunCodeResponse } from '../../pipeline/sandbox/contract.ts';
import { discrimination } from '../../pipeline/stages/verify/tabular.ts';
import { referenceFromJob } from '../../pipeline/stages/verify/tabular-runs.ts';

const finished = (files: Record<string, string>, status: 'Finished' | 'TimeLimitExceeded' = 'Finished') =>
  ({
    status: status === 'Finished' ? 'Success' : 'Failed',
    message: '',
    compile_result: null,
    run_result: { status, return_code: status === 'Finished' ? 0 : null, stdout: '', stderr: '' },
    files,
  }) satisfies RunCodeResponse;
const statusFile = (status: string, detail: string | null = null) =>
  encodeFile(JSON.stringify({ status, detail }));

describe('run two of the pair read from the shared IF job', () => {
  it('reads the status file like the reference job, and gives null (run it apart) when there is none', () => {
    const predictions = encodeFile('row_id,y\n1,a\n');
    const ok = referenceFromJob(
      finished({ 'reference_status.json': statusFile('ok'), 'prediction.csv': predictions }),
      60,
    );
    expect(ok).toMatchObject({ status: 'ok' });
    expect(ok?.status === 'ok' && ok.predictions.toString()).toBe('row_id,y\n1,a\n');
    expect(
      referenceFromJob(finished({ 'reference_status.json': statusFile('fit_failed', 'ValueError: x') }), 60),
    ).toEqual({ status: 'fit_failed', detail: 'ValueError: x' });
    expect(
      referenceFromJob(finished({ 'reference_status.json': statusFile('timeout', 'late') }), 60),
    ).toEqual({
      status: 'timeout',
      detail: 'no result within 60 s',
    });
    // A job killed at its limit returns no files; a crash may leave none; an unknown status is not ours.
    expect(referenceFromJob(finished({}, 'TimeLimitExceeded'), 60)).toBeNull();
    expect(referenceFromJob(finished({ 'prediction.csv': predictions }), 60)).toBeNull();
    expect(referenceFromJob(finished({ 'reference_status.json': statusFile('weird') }), 60)).toBeNull();
    expect(referenceFromJob(finished({ 'reference_status.json': encodeFile('{not json') }), 60)).toBeNull();
    expect(referenceFromJob(finished({ 'reference_status.json': statusFile('ok') }), 60)).toBeNull();
    const sandbox: RunCodeResponse = { ...finished({}), status: 'SandboxError', run_result: null };
    expect(referenceFromJob(sandbox, 60)).toBeNull();
  });
});

describe('discrimination with deviations not run (early stop)', () => {
  const outcome = (changed: number, skipped = false) => ({
    applies: true,
    changed_fraction: changed,
    error: null,
    ...(skipped ? { skipped: true } : {}),
  });

  it('records what ran, counts and names the rest, and keeps the status', () => {
    const stopped = discrimination(
      {
        all_candidate_features: outcome(0.4),
        no_scaling: outcome(0, true),
        other_random_state: outcome(0.2),
        skip_range_filter: outcome(0.1),
        wrong_imputer: outcome(0, true),
      },
      3,
    );
    expect(stopped.check.status).toBe('pass');
    expect(stopped.check.metrics).toEqual({
      changed_all_candidate_features: 0.4,
      changed_other_random_state: 0.2,
      changed_skip_range_filter: 0.1,
      caught: 3,
      not_run: 2,
    });
    expect(stopped.check.detail).toBe(
      'caught by all_candidate_features, other_random_state, skip_range_filter; not by none; not run (3 caught already): no_scaling, wrong_imputer',
    );
    const full = discrimination({ skip_range_filter: outcome(0.1), no_scaling: outcome(0) }, 1);
    expect(full.check.metrics).not.toHaveProperty('not_run');
    expect(full.check.detail).toBe('caught by skip_range_filter; not by no_scaling');
  });
});
