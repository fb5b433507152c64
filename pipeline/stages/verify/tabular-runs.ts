import { join } from 'node:path';
import { z } from 'zod';
import { decodeFile, type RunCodeResponse } from '../../sandbox/contract.ts';
import {
  type ReferenceOutcome,
  type ReferenceParams,
  runReferenceSolution,
} from '../../sandbox/reference.ts';
import { type TaskQuestion, targetsOf } from './metadata.ts';
import {
  checkOutcome,
  type IfResults,
  ifResultsSchema,
  type MmResults,
  mmResultsSchema,
  type ProgramOutcome,
  runCheckProgram,
  submitCheckJob,
} from './python-checks.ts';
import type { TaskCheckOptions } from './tabular.ts';

/** What verifying one tabular task cost in the sandbox: jobs submitted, model fits they ran. */
export interface TaskCost {
  jobs: number;
  fits: number;
}

/** Outcomes of the IF and MM check programs, for a task whose reference runs agreed. */
export interface TabularChecks {
  instruction: ProgramOutcome<IfResults>;
  modelling: ProgramOutcome<MmResults>;
}

/** The determinism pair, and the checks to read once the pair agreed (they throw the sandbox's errors). */
export interface TabularRuns {
  first: ReferenceOutcome;
  second: ReferenceOutcome;
  checks: (predictions: Buffer) => Promise<TabularChecks>;
  cost: TaskCost;
}

const PREDICTIONS = 'prediction.csv';
const STATUS = 'reference_status.json';
const statusSchema = z.object({ status: z.string(), detail: z.string().nullable() });
const failures = ['invalid_params', 'env_missing_pyarrow', 'missing_input', 'fit_failed'] as const;

/** Settles a promise into a value or its error, to rethrow only if the caller needs it. */
type Settled<T> = { value: T } | { error: unknown };
const settle = <T>(promise: Promise<T>): Promise<Settled<T>> =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
const unwrap = <T>(settled: Settled<T>): T => {
  if ('error' in settled) throw settled.error;
  return settled.value;
};

/**
 * Run two of the pair as the shared IF job ran it, read from the status file it wrote like
 * reference_solution.py's; null when the job gave none (it crashed, timed out, or the sandbox
 * failed), and then the caller runs the pair as separate jobs.
 */
export function referenceFromJob(response: RunCodeResponse, runTimeoutS: number): ReferenceOutcome | null {
  if (response.status === 'SandboxError' || !response.run_result) return null;
  const statusFile = response.files[STATUS];
  if (statusFile === undefined) return null;
  let json: unknown;
  try {
    json = JSON.parse(decodeFile(statusFile).toString('utf8'));
  } catch {
    return null;
  }
  const reported = statusSchema.safeParse(json);
  if (!reported.success) return null;
  const { status, detail } = reported.data;
  const predictions = response.files[PREDICTIONS];
  if (status === 'ok' && predictions !== undefined) {
    return { status: 'ok', predictions: decodeFile(predictions), executionTime: 0 };
  }
  if (status === 'timeout') return { status: 'timeout', detail: `no result within ${runTimeoutS} s` };
  const failure = failures.find((name) => name === status);
  return failure ? { status: failure, detail: detail ?? '' } : null;
}

/**
 * Runs a tabular task's sandbox jobs. Separate plan (verify_checks.share_runs false, and the
 * reference scope): two reference jobs, then the IF and MM jobs. Shared plan: run one of the
 * pair, and an IF job that runs two of the pair itself before its checks (one load and one
 * fit fewer); MM starts once run one succeeded. Its outcomes are read only as the separate
 * plan would: whatever the separate plan would not have run never decides the verdict.
 */
export async function runTabularJobs(
  taskDir: string,
  question: TaskQuestion,
  params: ReferenceParams,
  options: TaskCheckOptions,
): Promise<TabularRuns> {
  const { run, checks } = options;
  const cost: TaskCost = { jobs: 0, fits: 0 };
  const referenceRun = () => {
    cost.jobs += 1;
    cost.fits += 1;
    return runReferenceSolution(run.executor, taskDir, {
      runTimeoutS: run.runTimeoutS,
      memoryLimitMb: run.memoryLimitMb,
      params,
      signal: run.signal,
      ...(options.limits ? { maxInputBytes: options.limits.maxFileBytes } : {}),
    });
  };
  const format = params.save_file_type;
  const source = (name: string) => join(taskDir, 'source', name);
  const groundTruth = join(taskDir, 'verify', 'ground_truth.csv');
  // The baseline and each deviation are one reference run; one more for loading and the
  // shape and range checks.
  const runs = checks.deviations.length + 2;
  const ifInputs = (predictions: Buffer | null) => ({
    [`train_v1.${format}`]: source(`train_v1.${format}`),
    [`train_v1_no_err.${format}`]: source(`train_v1_no_err.${format}`),
    [`val_v1.${format}`]: source(`val_v1.${format}`),
    'ground_truth.csv': groundTruth,
    ...(predictions ? { [PREDICTIONS]: predictions } : {}),
  });
  const ifParams = (referenceRun: boolean) => ({
    question,
    deviations: checks.deviations,
    run_budget_s: run.runTimeoutS,
    reference_run: referenceRun,
    stop_after_caught: checks.early_stop ? checks.min_deviations_caught : null,
  });
  const counted = <T extends IfResults | MmResults>(outcome: ProgramOutcome<T>, fits: (r: T) => number) => {
    if (outcome.status === 'ok' && 'results' in outcome) cost.fits += fits(outcome.results);
    return outcome;
  };
  const modelling = async () => {
    cost.jobs += 1;
    const outcome = await runCheckProgram(
      'verify_mm.py',
      {
        [`train_v2.${format}`]: source(`train_v2.${format}`),
        [`val_v2.${format}`]: source(`val_v2.${format}`),
        'ground_truth.csv': groundTruth,
      },
      { question: { ...question, target: targetsOf(question) }, leak_score: checks.leak_score },
      mmResultsSchema,
      run,
    );
    return counted(outcome, (r) => mmFits(r, checks.leak_score));
  };
  const separateInstruction = async (predictions: Buffer) => {
    cost.jobs += 1;
    const outcome = await runCheckProgram(
      'verify_if.py',
      ifInputs(predictions),
      ifParams(false),
      ifResultsSchema,
      run,
      runs,
    );
    return counted(outcome, (r) => r.fits ?? 0);
  };

  if (!checks.share_runs || options.scope === 'reference') {
    const [first, second] = await Promise.all([referenceRun(), referenceRun()]);
    const separate = async (predictions: Buffer) => {
      const [instruction, mm] = await Promise.all([separateInstruction(predictions), modelling()]);
      return { instruction, modelling: mm };
    };
    return { first, second, checks: separate, cost };
  }

  cost.jobs += 1;
  const firstRun = referenceRun();
  const job = settle(
    submitCheckJob('verify_if.py', ifInputs(null), ifParams(true), run, {
      runs,
      fetch: [PREDICTIONS, STATUS],
    }),
  );
  // MM needs only run one to have succeeded; its result (or error) counts only if the pair agrees.
  const mm = settle(firstRun.then((first) => (first.status === 'ok' ? modelling() : null)));
  const [first, shared] = await Promise.all([firstRun, job]);
  const fromJob = 'value' in shared ? referenceFromJob(shared.value, run.runTimeoutS) : null;
  if (fromJob === null && first.status !== 'ok') {
    // Run one decides the determinism check alone; run two's job is not looked at.
    return {
      first,
      second: first,
      checks: () => Promise.reject(new Error('no checks without a reference run')),
      cost,
    };
  }
  const second = fromJob ?? (await referenceRun());
  const checksAfter = async (predictions: Buffer): Promise<TabularChecks> => {
    const instruction =
      fromJob !== null && 'value' in shared
        ? counted(checkOutcome('verify_if.py', shared.value, ifResultsSchema, run, runs), (r) => r.fits ?? 0)
        : await separateInstruction(predictions);
    const modelled = unwrap(await mm);
    if (modelled === null) throw new Error('the MM checks did not start although run one succeeded');
    return { instruction, modelling: modelled };
  };
  return { first, second, checks: checksAfter, cost };
}

/** MM fits: the strong model per target, and one tree per column where it scored near perfect. */
function mmFits(results: MmResults, leakScore: number): number {
  return Object.values(results.targets).reduce(
    (sum, target) => sum + 1 + (target.strong >= leakScore ? results.features : 0),
    0,
  );
}
