import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import type { VerifyChecksConfig } from '../../config/sections/verify-checks.ts';
import { errorMessage, UserError } from '../../errors.ts';
import { type Executor, environmentFingerprint } from '../../sandbox/index.ts';
import { writeFileAtomic, writeJsonAtomic } from '../../store/atomic.ts';
import { type CorpusReadLimits, defaultReadLimits, readInside } from '../../util/inside.ts';
import { forEachLimited } from '../../util/limit.ts';
import { breakdownSchema, corpusBreakdown } from './corpus-summary.ts';
import { compareOutputs, type Drift, driftKinds } from './drift.ts';
import { verdictEnvironment } from './environment.ts';
import { REFERENCE_PREDICTIONS } from './inputs.ts';
import { environmentSchema, taskVerdictSchema } from './schema.ts';
import { familyOf, verifyTask } from './task.ts';
import { decideTask, fail } from './verdict.ts';

export const corpusReportSchema = z.object({
  corpus: z.string(),
  scope: z.enum(['all', 'reference']),
  environment: environmentSchema,
  summary: z.record(z.string(), z.number()),
  /** The tasks behind each summary count, and how far the predictions moved. */
  breakdown: breakdownSchema,
  tasks: z.array(
    z.object({
      task: z.string(),
      verdict: taskVerdictSchema,
      drift: z.object({
        kind: z.enum(driftKinds),
        cells_differing: z.number(),
        max_relative_difference: z.number(),
      }),
    }),
  ),
});
export type CorpusReport = z.infer<typeof corpusReportSchema>;
export const REPORT_FILE = 'verify-report.json';

export interface CorpusOptions {
  corpus: string;
  out: string;
  executor: Executor;
  checks: VerifyChecksConfig;
  runTimeoutS: number;
  memoryLimitMb: number;
  /** reference: regenerate and compare IF predictions only; all: every check too. */
  scope: 'all' | 'reference';
  /** Tasks verified at once (each uses up to two sandbox workers). */
  concurrency: number;
  /** Caps on the corpus's files (the config's corpus.limits); the defaults when left out. */
  limits?: CorpusReadLimits;
  signal?: AbortSignal;
  onTask?: (task: string, drift: Drift) => void;
}

/** `<corpus>/databases` when present (the published layout), else the folder itself. */
async function databasesOf(corpus: string): Promise<string> {
  const nested = join(corpus, 'databases');
  return (await isDirectory(nested)) ? nested : corpus;
}

/**
 * Task folders and links named like one (sorted): a linked task folder is listed so that it
 * ends as its own `unsafe_file` rejection in the report instead of vanishing from it.
 */
async function corpusTaskEntries(databases: string): Promise<string[]> {
  const entries = await readdir(databases, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function refuseInside(corpus: string, out: string): Promise<void> {
  const root = await realpath(corpus);
  const target = resolve(out);
  const real = await realpath(target).catch(() => target);
  if (real === root || real.startsWith(root + sep) || relative(root, target) === '') {
    throw new UserError(
      `--out ${out} lies inside the corpus ${corpus}; choose a folder outside it (the input corpus is never written)`,
    );
  }
}

/**
 * Verifies an existing corpus in the published layout: regenerates each IF task's
 * simulated_pred_local.csv in this environment into `out`, runs the checks, and reports
 * drift wherever the shipped file differs. The corpus itself is only read.
 */
export async function verifyCorpus(options: CorpusOptions): Promise<CorpusReport> {
  if (!(await isDirectory(options.corpus))) throw new UserError(`--corpus ${options.corpus}: no such folder`);
  await refuseInside(options.corpus, options.out);
  const databases = await databasesOf(options.corpus);
  const tasks = (await corpusTaskEntries(databases)).filter((name) => /_(class|reg|ts)$/.test(name));
  if (tasks.length === 0) {
    throw new UserError(`--corpus ${options.corpus}: no task folders (<owner>_<slug>_<class|reg|ts>) found`);
  }
  const fingerprint = await environmentFingerprint(options.executor);
  const entries: CorpusReport['tasks'] = new Array(tasks.length);
  const indexes = tasks.map((_, index) => index);
  await forEachLimited(
    indexes,
    options.concurrency,
    async (index) => {
      const task = tasks[index] ?? '';
      const entry = await verifyOne(databases, task, options).catch((error: unknown) => {
        if (options.signal?.aborted) throw error;
        return failedEntry(task, error);
      });
      entries[index] = entry;
      options.onTask?.(task, entry.drift);
    },
    options.signal,
  );
  const summary: Record<string, number> = { tasks: tasks.length };
  for (const entry of entries) {
    summary[`verdict_${entry.verdict.status}`] = (summary[`verdict_${entry.verdict.status}`] ?? 0) + 1;
    if (entry.verdict.family !== 'ts')
      summary[`drift_${entry.drift.kind}`] = (summary[`drift_${entry.drift.kind}`] ?? 0) + 1;
  }
  const report: CorpusReport = {
    corpus: resolve(options.corpus),
    scope: options.scope,
    environment: verdictEnvironment(fingerprint),
    summary,
    breakdown: corpusBreakdown(entries),
    tasks: entries,
  };
  await writeJsonAtomic(join(options.out, REPORT_FILE), report);
  return report;
}

/**
 * A task whose verification threw (a sandbox error on its files, an unexpected shape) is that
 * task's rejection in the report; the rest of the corpus goes on and the report is written.
 */
function failedEntry(task: string, error: unknown): CorpusReport['tasks'][number] {
  const detail = `verification stopped: ${errorMessage(error)}`;
  return {
    task,
    verdict: decideTask(task, familyOf(task) ?? 'class', [fail('verify', 'verify_error', detail)], null),
    drift: { kind: 'not_regenerated', cells_differing: 0, max_relative_difference: 0 },
  };
}

async function verifyOne(
  databases: string,
  task: string,
  options: CorpusOptions,
): Promise<CorpusReport['tasks'][number]> {
  const taskDir = join(databases, task);
  const run = {
    executor: options.executor,
    runTimeoutS: options.runTimeoutS,
    memoryLimitMb: options.memoryLimitMb,
    signal: options.signal,
  };
  const limits = options.limits ?? defaultReadLimits();
  const { verdict, predictions } = await verifyTask(taskDir, task, {
    run,
    checks: options.checks,
    scope: options.scope,
    limits,
  });
  if (predictions)
    await writeFileAtomic(join(options.out, 'databases', task, REFERENCE_PREDICTIONS), predictions);
  const read = await readInside(taskDir, REFERENCE_PREDICTIONS, limits.maxFileBytes);
  const shipped = read.ok ? read.bytes : null;
  const drift =
    verdict.family === 'ts'
      ? { kind: 'not_applicable' as const, cells_differing: 0, max_relative_difference: 0 }
      : compareOutputs(predictions, shipped);
  return { task, verdict, drift };
}
