import { join } from 'node:path';
import { z } from 'zod';
import { decodeFile, type RunCodeResponse } from '../../sandbox/contract.ts';
import {
  type ReferenceOutcome,
  type ReferenceParams,
  runReferenceSolution,
} from '../../sandbox/reference.ts';
import type { TaskCheckOptions } from './check-options.ts';
import { type TaskQuestion, targetsOf } from './metadata.ts';
import {
  checkOutcome,
  type IfResults,
  ifResultsSchema,
  type MmResults,
  mmResultsSchema,
  type ProgramOutcome,
  RESULT_FILE,
  runCheckProgram,
  submitCheckJob,
  submitTaskJob,
} from './python-checks.ts';

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
  // Worded as the separate reference job words it, so both plans give the same verdict bytes.
  if (status === 'timeout') return { status: 'timeout', detail: `no result within ${runTimeoutS} s` };
  const failure = failures.find((name) => name === status);
  return failure ? { status: failure, detail: detail ?? '' } : null;
}

/** The files and parameters each check program of one tabular task is given. */
function jobInputs(
  taskDir: string,
  question: TaskQuestion,
  params: ReferenceParams,
  options: TaskCheckOptions,
) {
  const { run, checks } = options;
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
    // The shared plan records a provably unchanged deviation without fitting it (verify_if.py).
    skip_unchanged: referenceRun,
  });
  const mmInputs = (referenceRun: boolean) => ({
    [`train_v2.${format}`]: source(`train_v2.${format}`),
    [`val_v2.${format}`]: source(`val_v2.${format}`),
    'ground_truth.csv': groundTruth,
    ...(referenceRun
      ? {
          [`train_v1_no_err.${format}`]: source(`train_v1_no_err.${format}`),
          [`val_v1.${format}`]: source(`val_v1.${format}`),
        }
      : {}),
  });
  const mmParams = (referenceRun: boolean) => ({
    question: { ...question, target: targetsOf(question) },
    leak_score: checks.leak_score,
    ...(referenceRun ? { reference_run: true, run_budget_s: run.runTimeoutS } : {}),
  });
  return { runs, ifInputs, ifParams, mmInputs, mmParams };
}

/** The sandbox jobs of one tabular task, each counting what it costs into `cost`. */
function taskJobs(
  taskDir: string,
  question: TaskQuestion,
  params: ReferenceParams,
  options: TaskCheckOptions,
) {
  const { run, checks } = options;
  const cost: TaskCost = { jobs: 0, fits: 0 };
  const { runs, ifInputs, ifParams, mmInputs, mmParams } = jobInputs(taskDir, question, params, options);
  const counted = <T extends IfResults | MmResults>(outcome: ProgramOutcome<T>, fits: (r: T) => number) => {
    if (outcome.status === 'ok' && 'results' in outcome) cost.fits += fits(outcome.results);
    return outcome;
  };
  return {
    cost,
    reference: () => {
      cost.jobs += 1;
      cost.fits += 1;
      return runReferenceSolution(run.executor, taskDir, {
        runTimeoutS: run.runTimeoutS,
        memoryLimitMb: run.memoryLimitMb,
        params,
        signal: run.signal,
        ...(options.limits ? { maxInputBytes: options.limits.maxFileBytes } : {}),
      });
    },
    modelling: async () => {
      cost.jobs += 1;
      const outcome = await runCheckProgram(
        'verify_mm.py',
        mmInputs(false),
        mmParams(false),
        mmResultsSchema,
        run,
      );
      return counted(outcome, (r) => mmFits(r, checks.leak_score));
    },
    /** The MM job that runs one of the pair first; read with `readSharedModelling`. */
    sharedModelling: () => {
      cost.jobs += 1;
      cost.fits += 1;
      const fetch = [PREDICTIONS, STATUS];
      return submitCheckJob('verify_mm.py', mmInputs(true), mmParams(true), run, { runs: 2, fetch });
    },
    readSharedModelling: (response: RunCodeResponse) =>
      counted(checkOutcome('verify_mm.py', response, mmResultsSchema, run, 2), (r) =>
        mmFits(r, checks.leak_score),
      ),
    instruction: async (predictions: Buffer) => {
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
    },
    /** The IF job that runs two of the pair itself; read with `readShared`. */
    sharedInstruction: () => {
      cost.jobs += 1;
      return submitCheckJob('verify_if.py', ifInputs(null), ifParams(true), run, {
        runs,
        fetch: [PREDICTIONS, STATUS],
      });
    },
    readShared: (response: RunCodeResponse) =>
      counted(checkOutcome('verify_if.py', response, ifResultsSchema, run, runs), (r) => r.fits ?? 0),
    /** The shared MM job, then the shared IF job, as one job (verify_task.py). */
    singleTask: () => {
      cost.jobs += 1;
      cost.fits += 1;
      const inputs = { ...mmInputs(true), ...ifInputs(null) };
      const parts = { mm: mmParams(true), if: ifParams(true) };
      return submitTaskJob(inputs, parts, run, { runs: runs + 2, fetch: [PREDICTIONS, STATUS] });
    },
  };
}
type TaskJobs = ReturnType<typeof taskJobs>;

/**
 * Runs a tabular task's sandbox jobs. Separate plan (verify_checks.share_runs false, and the
 * reference scope): two reference jobs, then the IF and MM jobs. Shared plan: see sharedPlan;
 * its one-job form (verify_checks.one_job, the default): see singlePlan.
 */
export async function runTabularJobs(
  taskDir: string,
  question: TaskQuestion,
  params: ReferenceParams,
  options: TaskCheckOptions,
): Promise<TabularRuns> {
  const jobs = taskJobs(taskDir, question, params, options);
  if (options.checks.share_runs && options.scope === 'all') {
    const runTimeoutS = options.run.runTimeoutS;
    return options.checks.one_job ? singlePlan(jobs, runTimeoutS) : sharedPlan(jobs, runTimeoutS);
  }
  const [first, second] = await Promise.all([jobs.reference(), jobs.reference()]);
  const checks = async (predictions: Buffer) => {
    const [instruction, modelling] = await Promise.all([jobs.instruction(predictions), jobs.modelling()]);
    return { instruction, modelling };
  };
  return { first, second, checks, cost: jobs.cost };
}

/**
 * One job (verify_task.py) holding the shared plan's two, read as those two jobs' responses.
 * It is used only when it answered every question the two jobs would have: run one's outcome
 * and the MM checks' result, and when run one wrote predictions, run two's outcome and the IF
 * checks' result. Otherwise (a part crashed or ran out of memory, the job timed out or the
 * sandbox failed) the task is run as the shared plan's two jobs, so the verdict never depends
 * on which of the two plans gave it.
 */
async function singlePlan(jobs: TaskJobs, runTimeoutS: number): Promise<TabularRuns> {
  const single = await settle(jobs.singleTask());
  if ('value' in single) {
    const { mm, if: instruction } = single.value;
    const first = referenceFromJob(mm, runTimeoutS);
    const answered = (response: RunCodeResponse) => response.files[RESULT_FILE] !== undefined;
    const second = first?.status === 'ok' ? referenceFromJob(instruction, runTimeoutS) : null;
    if (first !== null && answered(mm)) {
      if (first.status !== 'ok') return readPlan(jobs, { value: mm }, { error: 'not run' }, runTimeoutS);
      if (second !== null && answered(instruction)) {
        return readPlan(jobs, { value: mm }, { value: instruction }, runTimeoutS);
      }
    }
  }
  return sharedPlan(jobs, runTimeoutS);
}

/**
 * Two jobs, both in flight at once: the MM job runs one of the pair before its checks, the
 * IF job runs two of the pair before its own (one job, one load and one fit fewer than the
 * separate plan). Outcomes are read only where the separate plan would have run that job, so
 * what it would not have run never decides the verdict; a job that gave no reference
 * outcome (it crashed, timed out, or the sandbox failed) is redone as the separate jobs.
 */
async function sharedPlan(jobs: TaskJobs, runTimeoutS: number): Promise<TabularRuns> {
  const [mmJob, ifJob] = await Promise.all([
    settle(jobs.sharedModelling()),
    settle(jobs.sharedInstruction()),
  ]);
  return readPlan(jobs, mmJob, ifJob, runTimeoutS);
}

/** The pair and the checks from the shared MM and IF jobs' responses (see sharedPlan). */
async function readPlan(
  jobs: TaskJobs,
  mmJob: Settled<RunCodeResponse>,
  ifJob: Settled<RunCodeResponse>,
  runTimeoutS: number,
): Promise<TabularRuns> {
  const { cost } = jobs;
  const fromMm = 'value' in mmJob ? referenceFromJob(mmJob.value, runTimeoutS) : null;
  const fromIf = 'value' in ifJob ? referenceFromJob(ifJob.value, runTimeoutS) : null;
  const first = fromMm ?? (await jobs.reference());
  if (fromIf === null && first.status !== 'ok') {
    // Run one decides the determinism check alone; run two's job is not looked at.
    const checks = () => Promise.reject(new Error('no checks without a reference run'));
    return { first, second: first, checks, cost };
  }
  const second = fromIf ?? (await jobs.reference());
  const checks = async (predictions: Buffer): Promise<TabularChecks> => {
    const [instruction, modelling] = await Promise.all([
      fromIf !== null && 'value' in ifJob ? jobs.readShared(ifJob.value) : jobs.instruction(predictions),
      fromMm !== null && 'value' in mmJob ? jobs.readSharedModelling(mmJob.value) : jobs.modelling(),
    ]);
    return { instruction, modelling };
  };
  return { first, second, checks, cost };
}

/** MM fits: the strong model per target, and one tree per column where it scored near perfect. */
function mmFits(results: MmResults, leakScore: number): number {
  return Object.values(results.targets).reduce(
    (sum, target) => sum + 1 + (target.strong >= leakScore ? results.features : 0),
    0,
  );
}
