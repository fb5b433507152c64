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

/** The real pool, with every request recorded and the IF job's params optionally edited. */
function recording(edit?: (params: Record<string, unknown>) => void) {
  const requests: RunCodeRequest[] = [];
  const executor: Executor = {
    name: 'recording',
    async runCode(request, options) {
      requests.push(request);
      const params = request.files?.['checks_params.json'];
      if (edit && isIfJob(request) && params) {
        const parsed = JSON.parse(decodeFile(params).toString('utf8'));
        edit(parsed);
        request = {
          ...request,
          files: { ...request.files, 'checks_params.json': encodeFile(JSON.stringify(parsed)) },
        };
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

  it('shared plan: the reference runs ride in the IF and MM jobs, each with the single-run budget', async () => {
    const dir = join(await testdir(), 'me_noise_class');
    await writeIrrelevantNoiseTask(dir);
    const { executor, requests } = recording();
    const options = taskOptions(pool());
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

  it('shared plan: a reference run over its budget rejects timeout, worded as the separate plan words it', async () => {
    const dir = join(await testdir(), 'me_noise_class');
    await writeIrrelevantNoiseTask(dir);
    const { executor } = recording((params) => {
      params.run_budget_s = 0.000001;
    });
    const options = taskOptions(pool());
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
  });

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
