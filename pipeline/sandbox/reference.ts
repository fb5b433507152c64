import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { defaultReadLimits, readInside, readJsonInside } from '../util/inside.ts';
import { decodeFile, type Executor, encodeFile } from './contract.ts';
import { REFERENCE_SCRIPT } from './isolation.ts';

/** The parameters verifiers/reference_solution.py reads (a reduced all_metadata.json question). */
export const referenceParamsSchema = z.object({
  selected_features: z.array(z.string()).min(1),
  model_type: z.string().min(1),
  column_type_inference: z.record(z.string(), z.string()),
  target: z.union([z.string(), z.array(z.string()).min(1)]),
  imputer_type: z.enum(['mean', 'median', 'most_frequent']),
  problem_type: z.enum(['classification', 'regression']),
  random_state: z.number().int(),
  save_file_type: z.enum(['csv', 'sqlite', 'parquet']),
});
export type ReferenceParams = z.infer<typeof referenceParamsSchema>;

const statusFileSchema = z.object({
  status: z.enum(['ok', 'invalid_params', 'env_missing_pyarrow', 'missing_input', 'fit_failed']),
  detail: z.string().nullable(),
});

export type ReferenceOutcome =
  | { status: 'ok'; predictions: Buffer; executionTime: number }
  | {
      status:
        | Exclude<z.infer<typeof statusFileSchema>['status'], 'ok'>
        | 'timeout'
        | 'crashed'
        | 'sandbox_error'
        | 'unsafe_input';
      detail: string;
    };

export interface ReferenceRunOptions {
  runTimeoutS: number;
  memoryLimitMb: number;
  /** Parameters to use instead of the task's verify/all_metadata.json question. */
  params?: ReferenceParams;
  signal?: AbortSignal;
  /** Largest input file shipped to the sandbox (corpus.limits.max_file_mb). */
  maxInputBytes?: number;
}

const STATUS_FILE = 'reference_status.json';
const PREDICTIONS_FILE = 'prediction.csv';
let scriptSource: Promise<string> | undefined;

/** Reads a task's reference parameters from verify/all_metadata.json (its "question"). */
export async function readReferenceParams(taskDir: string): Promise<ReferenceParams> {
  const path = join(taskDir, 'verify', 'all_metadata.json');
  const read = await readJsonInside(
    taskDir,
    'verify/all_metadata.json',
    defaultReadLimits().maxMetadataBytes,
  );
  if (!read.ok) throw new Error(`${path}: ${read.reason}: ${read.detail}`);
  const metadata = z.object({ question: z.record(z.string(), z.unknown()) }).safeParse(read.value);
  if (!metadata.success) throw new Error(`${path}: no "question" object; is this a DARE task folder?`);
  const params = referenceParamsSchema.safeParse(metadata.data.question);
  if (!params.success) {
    const issues = params.error.issues.map((issue) => `question.${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`${path}: ${issues.join('; ')}`);
  }
  return params.data;
}

/**
 * Runs the fixed reference solution on a DARE task folder (source/ + verify/) through any
 * executor, shipping only the two input files and the reduced parameters.
 */
export async function runReferenceSolution(
  executor: Executor,
  taskDir: string,
  options: ReferenceRunOptions,
): Promise<ReferenceOutcome> {
  const params = options.params ?? (await readReferenceParams(taskDir));
  const format = params.save_file_type;
  const files: Record<string, string> = { 'params.json': encodeFile(JSON.stringify(params)) };
  // Only regular files inside the task folder are shipped: a linked input (a host file) or a
  // FIFO is refused, a missing one is the task's fault, never an exception.
  const maxInputBytes = options.maxInputBytes ?? defaultReadLimits().maxFileBytes;
  for (const name of [`train_v1_no_err.${format}`, `val_v1.${format}`]) {
    const read = await readInside(taskDir, `source/${name}`, maxInputBytes);
    if (!read.ok) {
      return {
        status: read.reason === 'missing' ? 'missing_input' : 'unsafe_input',
        detail: `source/${name}: ${read.reason}: ${read.detail}`,
      };
    }
    files[name] = encodeFile(read.bytes);
  }
  scriptSource ??= readFile(REFERENCE_SCRIPT, 'utf8');
  const response = await executor.runCode(
    {
      code: await scriptSource,
      files,
      fetch_files: [PREDICTIONS_FILE, STATUS_FILE],
      run_timeout: options.runTimeoutS,
      memory_limit_MB: options.memoryLimitMb,
    },
    { signal: options.signal },
  );
  const run = response.run_result;
  if (response.status === 'SandboxError' || !run) {
    return { status: 'sandbox_error', detail: response.message || 'the sandbox gave no run result' };
  }
  if (run.status === 'TimeLimitExceeded') {
    return { status: 'timeout', detail: `no result within ${options.runTimeoutS} s` };
  }
  const statusFile = response.files[STATUS_FILE];
  const reported = statusFile
    ? statusFileSchema.safeParse(parseJson(decodeFile(statusFile).toString('utf8')))
    : null;
  const predictions = response.files[PREDICTIONS_FILE];
  if (
    reported?.success &&
    reported.data.status === 'ok' &&
    predictions !== undefined &&
    run.return_code === 0
  ) {
    return { status: 'ok', predictions: decodeFile(predictions), executionTime: run.execution_time ?? 0 };
  }
  if (reported?.success && reported.data.status !== 'ok') {
    return { status: reported.data.status, detail: reported.data.detail ?? '' };
  }
  const tail = (run.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
  return { status: 'crashed', detail: `exit code ${run.return_code}: ${tail}` };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
