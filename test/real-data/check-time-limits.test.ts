import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  decodeFile,
  type Executor,
  encodeFile,
  type RunCodeRequest,
} from '../../pipeline/sandbox/contract.ts';
import { verifyTask } from '../../pipeline/stages/verify/task.ts';
import { testdir } from '../support/testdir.ts';
import { checks, taskOptions, usePool } from '../verify/support.ts';
import { writeIrrelevantNoiseTask } from '../verify/tasks.ts';

const pool = usePool();
const isIfJob = (request: RunCodeRequest) => request.code.startsWith('"""IF checks');
const isTaskJob = (request: RunCodeRequest) => request.code.startsWith('"""Every check of one tabular task');
const paramsOf = (request: RunCodeRequest, file: string) =>
  JSON.parse(decodeFile(request.files?.[file] ?? encodeFile('null')).toString('utf8'));

/**
 * The real pool, with every request recorded and the IF job's params optionally edited (the
 * IF part's, in a one-job task); `editTask` rewrites a one-job task's files before it is sent.
 */
function recording(
  edit?: (params: Record<string, unknown>) => void,
  editTask?: (files: Record<string, string>) => void,
) {
  const requests: RunCodeRequest[] = [];
  const executor: Executor = {
    name: 'recording',
    async runCode(request, options) {
      requests.push(request);
      const file = isTaskJob(request) ? 'if/checks_params.json' : 'checks_params.json';
      const params = request.files?.[file];
      if (edit && (isIfJob(request) || isTaskJob(request)) && params) {
        const parsed = JSON.parse(decodeFile(params).toString('utf8'));
        edit(parsed);
        request = { ...request, files: { ...request.files, [file]: encodeFile(JSON.stringify(parsed)) } };
      }
      if (editTask && isTaskJob(request)) {
        const files = { ...request.files };
        editTask(files);
        request = { ...request, files };
      }
      return pool().runCode(request, options);
    },
    close: async () => {},
  };
  return { executor, requests };
}

describe('check jobs get the single-run time limit once per reference run', () => {
  it('separate plan: the IF job (baseline + each deviation) gets one run limit per run, each reference job its own', async () => {
    const dir = join(await testdir(), 'me_noise_class');
    await writeIrrelevantNoiseTask(dir);
    const { executor, requests } = recording();
    const options = taskOptions(pool());
    await verifyTask(dir, 'me_noise_class', {
      ...options,
      checks: { ...options.checks, share_runs: false },
      run: { ...options.run, executor },
    });
    const ifJob = requests.find(isIfJob);
    if (!ifJob?.files?.['checks_params.json']) throw new Error('no IF job was sent');
    expect(ifJob.run_timeout).toBe(options.run.runTimeoutS * (checks.deviations.length + 2));
    const params = JSON.parse(decodeFile(ifJob.files['checks_params.json']).toString('utf8'));
    expect(params.run_budget_s).toBe(options.run.runTimeoutS);
    // The reference runs themselves keep the single-run limit.
    const single = requests.filter((request) =>
      request.code.startsWith('"""DARE-bench instruction-following'),
    );
    expect(single).toHaveLength(2);
    for (const request of single) expect(request.run_timeout).toBe(options.run.runTimeoutS);
  });

  it('one-job plan (the default): both parts in one job with the limit of every run, each part with its own parameters', async () => {
    const dir = join(await testdir(), 'me_noise_class');
    await writeIrrelevantNoiseTask(dir);
    const { executor, requests } = recording();
    const options = taskOptions(pool());
    expect([options.checks.share_runs, options.checks.one_job]).toEqual([true, true]);
    const { verdict } = await verifyTask(dir, 'me_noise_class', {
      ...options,
      run: { ...options.run, executor },
    });
    expect(requests).toHaveLength(1);
    const [job] = requests;
    if (!job || !isTaskJob(job)) throw new Error('no one-job task was sent');
    // MM part: run one (1) + its checks (1); IF part: run two and the baseline (2) + each deviation.
    expect(job.run_timeout).toBe(options.run.runTimeoutS * (checks.deviations.length + 4));
    expect(paramsOf(job, 'mm/checks_params.json')).toMatchObject({ reference_run: true, run_budget_s: 120 });
    expect(paramsOf(job, 'if/checks_params.json')).toMatchObject({ reference_run: true, run_budget_s: 120 });
    expect(verdict.checks.map((c) => c.name)).toContain('discrimination');
  });

  it('one-job plan: a part that stops without its outcome sends the task through the two jobs, same verdict', async () => {
    const dir = join(await testdir(), 'me_noise_class');
    await writeIrrelevantNoiseTask(dir);
    const options = taskOptions(pool());
    const twoJobs = await verifyTask(dir, 'me_noise_class', {
      ...options,
      checks: { ...options.checks, one_job: false },
    });
    // Unreadable parameters make the MM part raise an error verify_mm.py does not catch.
    const { executor, requests } = recording(undefined, (files) => {
      files['mm/checks_params.json'] = encodeFile('{not json');
    });
    const fellBack = await verifyTask(dir, 'me_noise_class', {
      ...options,
      run: { ...options.run, executor },
    });
    // The one job first, then the shared plan's two (sent at once, in either order).
    const kinds = requests.map((r) => (isTaskJob(r) ? 'task' : isIfJob(r) ? 'if' : 'mm'));
    expect([kinds[0], ...kinds.slice(1).sort()]).toEqual(['task', 'if', 'mm']);
    expect(JSON.stringify(fellBack.verdict)).toBe(JSON.stringify(twoJobs.verdict));
    expect(fellBack.cost).toEqual({ jobs: 3, fits: twoJobs.cost!.fits + 1 });
  });

  it('shared plan: the reference runs ride in the IF and MM jobs, each with the single-run budget', async () => {
    const dir = join(await testdir(), 'me_noise_class');
    await writeIrrelevantNoiseTask(dir);
    const { executor, requests } = recording();
    const base = taskOptions(pool());
    const options = { ...base, checks: { ...base.checks, one_job: false } };
    expect(options.checks.share_runs).toBe(true);
    await verifyTask(dir, 'me_noise_class', { ...options, run: { ...options.run, executor } });
    // No separate reference job: the pair is run by the two check jobs, one each.
    expect(requests.filter((r) => r.code.startsWith('"""DARE-bench instruction-following'))).toEqual([]);
    expect(requests).toHaveLength(2);
    const ifJob = requests.find(isIfJob);
    if (!ifJob?.files?.['checks_params.json']) throw new Error('no IF job was sent');
    expect(ifJob.run_timeout).toBe(options.run.runTimeoutS * (checks.deviations.length + 2));
    const ifParams = JSON.parse(decodeFile(ifJob.files['checks_params.json']).toString('utf8'));
    expect(ifParams).toMatchObject({ reference_run: true, run_budget_s: options.run.runTimeoutS });
    const mmJob = requests.find((r) => !isIfJob(r));
    if (!mmJob?.files?.['checks_params.json']) throw new Error('no MM job was sent');
    const mmParams = JSON.parse(decodeFile(mmJob.files['checks_params.json']).toString('utf8'));
    expect(mmParams).toMatchObject({ reference_run: true, run_budget_s: options.run.runTimeoutS });
  });

  it('separate plan: rejects timeout and names the run that ran out of time', async () => {
    const dir = join(await testdir(), 'me_noise_class');
    await writeIrrelevantNoiseTask(dir);
    const { executor } = recording((params) => {
      params.run_budget_s = 0.000001;
    });
    const options = taskOptions(pool());
    const { verdict } = await verifyTask(dir, 'me_noise_class', {
      ...options,
      checks: { ...options.checks, share_runs: false },
      run: { ...options.run, executor },
    });
    expect(verdict.status).toBe('rejected');
    expect(verdict.reasons).toContain('timeout');
    const timedOut = verdict.checks.find((check) => check.detail.includes('run limit'));
    expect(timedOut?.detail).toMatch(
      /baseline run of the reference solution: no result within the 1e-06 s run limit/,
    );
  });

  it.each([
    ['shared plan', false],
    ['one-job plan', true],
  ])(
    '%s: a reference run over its budget rejects timeout, worded as the separate plan words it',
    async (_plan, oneJob) => {
      const dir = join(await testdir(), 'me_noise_class');
      await writeIrrelevantNoiseTask(dir);
      const { executor } = recording((params) => {
        params.run_budget_s = 0.000001;
      });
      const base = taskOptions(pool());
      const options = { ...base, checks: { ...base.checks, one_job: oneJob } };
      const { verdict } = await verifyTask(dir, 'me_noise_class', {
        ...options,
        run: { ...options.run, executor },
      });
      expect(verdict.status).toBe('rejected');
      expect(verdict.reasons).toContain('timeout');
      const timedOut = verdict.checks.find((check) => check.name === 'determinism');
      // Worded as the separate plan's reference job words a timeout (same verdict bytes either way).
      expect(timedOut?.status).toBe('fail');
      expect(timedOut?.detail).toBe(
        `reference solution: timeout: no result within ${options.run.runTimeoutS} s`,
      );
    },
  );

  it('a deviation over its budget is named by the Python limit (real /usr/bin/python3)', () => {
    const dir = fileURLToPath(new URL('../../verifiers/checks/', import.meta.url));
    const code = [
      'import sys, time',
      `sys.path.insert(0, ${JSON.stringify(dir)})`,
      'import verify_common as common',
      'try:',
      '    with common.run_budget(0.2, "deviation skip_scaling"):',
      '        while True: time.sleep(0.01)',
      'except common.CheckInputError as error:',
      '    print(error.status, "|", error.detail)',
      'with common.run_budget(30, "fast run"):',
      '    print("fast run finished")',
    ].join('\n');
    const out = execFileSync('/usr/bin/python3', ['-c', code], { encoding: 'utf8' });
    expect(out).toBe(
      'timeout | deviation skip_scaling: no result within the 0.2 s run limit\nfast run finished\n',
    );
  });
});
