import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { decodeFile, type Executor, encodeFile, type RunCodeResponse } from '../../sandbox/contract.ts';
import { REFERENCE_SCRIPT } from '../../sandbox/isolation.ts';
import { sha256 } from '../../util/hash.ts';
import { defaultReadLimits, readInside } from '../../util/inside.ts';

const PYTHON_DIR = new URL('../../../verifiers/checks/', import.meta.url);
export const RESULT_FILE = 'checks_result.json';
/** Modules every check program may import, shipped next to it. */
const SHIPPED = ['ranges.py', 'verify_common.py', 'verify_reference.py'];
/** verify_task.py runs these two programs as parts: they are its modules. */
const PART_PROGRAMS = ['verify_mm.py', 'verify_if.py'];

export type CheckProgram = 'verify_if.py' | 'verify_mm.py' | 'verify_ts.py' | 'verify_task.py';

export interface SandboxRun {
  executor: Executor;
  runTimeoutS: number;
  memoryLimitMb: number;
  signal?: AbortSignal;
}

export type ProgramOutcome<T> = { status: 'ok'; results: T } | { status: string; detail: string };

const envelopeSchema = z.union([
  z.object({ status: z.literal('ok'), results: z.unknown() }),
  z.object({ status: z.string(), detail: z.string() }),
]);

const sources = new Map<string, Promise<string>>();
function source(path: string): Promise<string> {
  let text = sources.get(path);
  if (!text) {
    text = readFile(path, 'utf8');
    sources.set(path, text);
  }
  return text;
}

/** Job options beyond the program's inputs: more files to fetch back, the runs it holds. */
export interface CheckJobOptions {
  /** Reference runs in the job: the job gets the single-run time limit once per run. */
  runs?: number;
  /** Files the program leaves besides its result (e.g. the reference run's prediction.csv). */
  fetch?: string[];
}

/**
 * Runs one of the fixed check programs (python/) in the sandbox with the given job files
 * (job path -> absolute host path or bytes) and parameters and returns the raw response;
 * `checkOutcome` reads it. Split so a caller can look at fetched files first.
 */
export function submitCheckJob(
  program: CheckProgram,
  inputs: Record<string, string | Buffer>,
  params: unknown,
  run: SandboxRun,
  options: CheckJobOptions = {},
): Promise<RunCodeResponse> {
  const paramFiles = { 'checks_params.json': params };
  const fetch = [RESULT_FILE, ...(options.fetch ?? [])];
  return submitJob(program, SHIPPED, inputs, paramFiles, run, fetch, options.runs);
}

/**
 * verify_task.py: the MM job and then the IF job of one tabular task, as one job. `inputs` are
 * the files of both (each part's folder links them); `parts` the parameters each job would
 * get. Returns each part's folder as the response its own job would have given: its result
 * and the `options.fetch` files it left, under their plain names.
 */
export async function submitTaskJob(
  inputs: Record<string, string | Buffer>,
  parts: { mm: unknown; if: unknown },
  run: SandboxRun,
  options: CheckJobOptions,
): Promise<{ mm: RunCodeResponse; if: RunCodeResponse }> {
  const paramFiles = { 'mm/checks_params.json': parts.mm, 'if/checks_params.json': parts.if };
  const partFiles = [RESULT_FILE, ...(options.fetch ?? [])];
  const fetch = ['mm', 'if'].flatMap((part) => partFiles.map((name) => `${part}/${name}`));
  const modules = [...SHIPPED, ...PART_PROGRAMS];
  const response = await submitJob('verify_task.py', modules, inputs, paramFiles, run, fetch, options.runs);
  const part = (folder: string): RunCodeResponse => {
    const files: Record<string, string> = {};
    for (const name of partFiles) {
      const file = response.files[`${folder}/${name}`];
      if (file !== undefined) files[name] = file;
    }
    return { ...response, files };
  };
  return { mm: part('mm'), if: part('if') };
}

async function submitJob(
  program: CheckProgram,
  modules: string[],
  inputs: Record<string, string | Buffer>,
  paramFiles: Record<string, unknown>,
  run: SandboxRun,
  fetch: string[],
  runs = 1,
): Promise<RunCodeResponse> {
  // A job of several reference runs gets the single-run limit once per run; the program
  // limits each run itself (run_budget_s) and names the one that ran out of time.
  const jobTimeoutS = jobTimeout(run.runTimeoutS, runs);
  const files: Record<string, string> = {};
  for (const [name, params] of Object.entries(paramFiles)) files[name] = encodeFile(JSON.stringify(params));
  for (const name of modules) {
    files[name] = encodeFile(await source(fileURLToPath(new URL(name, PYTHON_DIR))));
  }
  files['reference_solution.py'] = encodeFile(await source(REFERENCE_SCRIPT));
  const maxInputBytes = defaultReadLimits().maxFileBytes;
  for (const [name, content] of Object.entries(inputs)) {
    // A missing input is left out: the program reports it as missing_input by name. So is a
    // link or special file (verifyTask refuses those up front; this keeps a swap out too).
    const read =
      typeof content === 'string'
        ? await readInside(dirname(content), basename(content), maxInputBytes)
        : null;
    const bytes = typeof content === 'string' ? (read?.ok ? read.bytes : null) : content;
    if (bytes) files[name] = encodeFile(bytes);
  }
  return run.executor.runCode(
    {
      code: await source(fileURLToPath(new URL(program, PYTHON_DIR))),
      files,
      fetch_files: fetch,
      run_timeout: jobTimeoutS,
      memory_limit_MB: run.memoryLimitMb,
    },
    { signal: run.signal },
  );
}

/** What a check job's response says; the program's results are checked by `schema`. */
export function checkOutcome<T>(
  program: CheckProgram,
  response: RunCodeResponse,
  schema: z.ZodType<T>,
  run: SandboxRun,
  runs = 1,
): ProgramOutcome<T> {
  const jobTimeoutS = jobTimeout(run.runTimeoutS, runs);
  const result = response.run_result;
  if (response.status === 'SandboxError' || !result) {
    // The sandbox's fault, not the task's: the dataset ends in error and is retried next run.
    throw new Error(`${run.executor.name} executor: ${program}: ${response.message || 'no run result'}`);
  }
  if (result.status === 'TimeLimitExceeded') {
    const per = runs > 1 ? ` (${runs} runs of ${run.runTimeoutS} s)` : '';
    return { status: 'timeout', detail: `${program}: no result within ${jobTimeoutS} s${per}` };
  }
  const fetched = response.files[RESULT_FILE];
  if (fetched === undefined) {
    const tail = (result.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
    return { status: 'crashed', detail: `${program}: exit code ${result.return_code}: ${tail}` };
  }
  const envelope = envelopeSchema.parse(JSON.parse(decodeFile(fetched).toString('utf8')));
  if (envelope.status !== 'ok' || !('results' in envelope)) {
    return { status: envelope.status, detail: 'detail' in envelope ? envelope.detail : '' };
  }
  const parsed = schema.safeParse(envelope.results);
  if (!parsed.success) {
    throw new Error(`${program} printed results of an unexpected shape: ${parsed.error.message}`);
  }
  return { status: 'ok', results: parsed.data };
}

/** Runs one of the fixed check programs and reads its results (see submitCheckJob). */
export async function runCheckProgram<T>(
  program: CheckProgram,
  inputs: Record<string, string | Buffer>,
  params: unknown,
  schema: z.ZodType<T>,
  run: SandboxRun,
  runs = 1,
): Promise<ProgramOutcome<T>> {
  const response = await submitCheckJob(program, inputs, params, run, { runs });
  return checkOutcome(program, response, schema, run, runs);
}

/** Wall-clock seconds for a job of `runs` reference runs, each allowed `runTimeoutS`. */
export function jobTimeout(runTimeoutS: number, runs: number): number {
  return runTimeoutS * Math.max(1, runs);
}

/** sha256 of every Python program the checks run: editing one makes old verdicts stale. */
export async function programHashes(): Promise<Record<string, string>> {
  const paths: Record<string, string> = { 'reference_solution.py': REFERENCE_SCRIPT };
  for (const name of [...SHIPPED, 'verify_if.py', 'verify_mm.py', 'verify_ts.py', 'verify_task.py']) {
    paths[name] = fileURLToPath(new URL(name, PYTHON_DIR));
  }
  const hashes: Record<string, string> = {};
  for (const [name, path] of Object.entries(paths)) hashes[name] = sha256(await source(path));
  return hashes;
}

const partSchema = z.object({
  ok: z.boolean(),
  detail: z.string(),
  metrics: z.record(z.string(), z.number()),
});

export const ifResultsSchema = z.object({
  prediction_shape: partSchema,
  range_filter: partSchema,
  discrimination: z.record(
    z.string(),
    z.object({
      applies: z.boolean(),
      changed_fraction: z.number(),
      error: z.string().nullable(),
      /** Not run: enough deviations were caught already (verify_checks.early_stop). */
      skipped: z.boolean().optional(),
    }),
  ),
  /** The reference solution's model fits the job ran. */
  fits: z.number().int().optional(),
});
export type IfResults = z.infer<typeof ifResultsSchema>;

export const mmResultsSchema = z.object({
  metric: z.enum(['macro_f1', 'clipped_r2']),
  features: z.number(),
  targets: z.record(
    z.string(),
    z.object({
      strong: z.number(),
      trivial: z.number(),
      leak_columns: z.array(z.tuple([z.string(), z.number()])),
      best_single_column_score: z.number().optional(),
      /** Features that copy the target or relabel it one-to-one. */
      exact_leak_columns: z.array(z.string()).default([]),
    }),
  ),
});
export type MmResults = z.infer<typeof mmResultsSchema>;

export const tsResultsSchema = z.object({
  rows_v1: z.number(),
  rows_v2: z.number(),
  entities: z.number(),
  targets: z.record(
    z.string(),
    z.object({
      distinct_values: z.number(),
      naive_r2: z.number().nullable(),
      seasonal_naive_r2: z.number().nullable(),
    }),
  ),
});
export type TsResults = z.infer<typeof tsResultsSchema>;
