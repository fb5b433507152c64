import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { decodeFile, type Executor, encodeFile } from '../../sandbox/contract.ts';
import { REFERENCE_SCRIPT } from '../../sandbox/isolation.ts';
import { sha256 } from '../../util/hash.ts';
import { defaultReadLimits, readInside } from '../../util/inside.ts';

const PYTHON_DIR = new URL('./python/', import.meta.url);
const RESULT_FILE = 'checks_result.json';

export type CheckProgram = 'verify_if.py' | 'verify_mm.py' | 'verify_ts.py';

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

/**
 * Runs one of the fixed check programs (python/) in the sandbox with the given job files
 * (job path -> absolute host path) and parameters; the program's results are checked by
 * `schema`, so a shape drift between Python and TypeScript fails loudly.
 */
export async function runCheckProgram<T>(
  program: CheckProgram,
  inputs: Record<string, string | Buffer>,
  params: unknown,
  schema: z.ZodType<T>,
  run: SandboxRun,
  runs = 1,
): Promise<ProgramOutcome<T>> {
  // A job of several reference runs gets the single-run limit once per run; the program
  // limits each run itself (run_budget_s) and names the one that ran out of time.
  const jobTimeoutS = jobTimeout(run.runTimeoutS, runs);
  const files: Record<string, string> = {
    'checks_params.json': encodeFile(JSON.stringify(params)),
    'verify_common.py': encodeFile(await source(fileURLToPath(new URL('verify_common.py', PYTHON_DIR)))),
    'reference_solution.py': encodeFile(await source(REFERENCE_SCRIPT)),
  };
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
  const response = await run.executor.runCode(
    {
      code: await source(fileURLToPath(new URL(program, PYTHON_DIR))),
      files,
      fetch_files: [RESULT_FILE],
      run_timeout: jobTimeoutS,
      memory_limit_MB: run.memoryLimitMb,
    },
    { signal: run.signal },
  );
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

/** Wall-clock seconds for a job of `runs` reference runs, each allowed `runTimeoutS`. */
export function jobTimeout(runTimeoutS: number, runs: number): number {
  return runTimeoutS * Math.max(1, runs);
}

/** sha256 of every Python program the checks run: editing one makes old verdicts stale. */
export async function programHashes(): Promise<Record<string, string>> {
  const paths: Record<string, string> = { 'reference_solution.py': REFERENCE_SCRIPT };
  for (const name of ['verify_common.py', 'verify_if.py', 'verify_mm.py', 'verify_ts.py']) {
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
    z.object({ applies: z.boolean(), changed_fraction: z.number(), error: z.string().nullable() }),
  ),
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
