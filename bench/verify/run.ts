/**
 * `make bench-verify`: the 19 csv/sqlite IF fixtures.
 * Reference solution, two ways:
 *   baseline: as the published pipeline does it, a fresh /usr/bin/python3 per task (importing
 *             pandas and scikit-learn every time), one task after another;
 *   pool:     our LocalExecutor, warm sandboxed workers (one per core), tasks in parallel.
 * Both outputs must score as the same answer under the benchmark's IF metric (exact match for
 * classification; numpy allclose for regression, where a warm forked worker and a fresh
 * interpreter can differ in the last bit: array memory layout changes SIMD summation order);
 * byte-identical outputs are counted too. Prints both times and the ratio.
 * Then every check of every task under each verify plan (plans.ts): per-task sandbox CPU and
 * wall seconds, jobs and fits, and how many verdicts differ from the separate (today's) plan,
 * which must be 0 for the shared plan and its one-job form (and 0 in status, reasons and
 * flags with early stop).
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseConfigText } from '../../pipeline/config/load.ts';
import { createLocalExecutor } from '../../pipeline/sandbox/index.ts';
import { REFERENCE_SCRIPT } from '../../pipeline/sandbox/isolation.ts';
import { readReferenceParams, runReferenceSolution } from '../../pipeline/sandbox/reference.ts';
import { parseFrame } from '../../pipeline/score/frame.ts';
import { allClose } from '../../pipeline/score/numeric.ts';
import type { TaskVerdict } from '../../pipeline/stages/verify/schema.ts';
import { formatPlan, type PlanFigures, planChecks, runPlan, verdictDifferences } from './plans.ts';

const exec = promisify(execFile);
const databases = join(import.meta.dirname, '../../../shared/fixtures/dare-eval/databases');

async function tabularTasks(): Promise<string[]> {
  const names = (await readdir(databases)).filter((name) => /_(class|reg)$/.test(name)).sort();
  const keep: string[] = [];
  for (const name of names) {
    if ((await readReferenceParams(join(databases, name))).save_file_type !== 'parquet') keep.push(name);
  }
  return keep;
}

/**
 * One fresh interpreter per task, sequentially, in a folder holding the task's inputs. BLAS
 * threads are pinned to the pool's count: MLP fits change in the last digits with the
 * thread count (OpenBLAS defaults to one thread per core), and we compare like with like.
 */
async function baseline(python: string, blasThreads: number, tasks: string[], scratch: string) {
  const threads = String(blasThreads);
  const env = {
    ...process.env,
    OPENBLAS_NUM_THREADS: threads,
    OMP_NUM_THREADS: threads,
    MKL_NUM_THREADS: threads,
  };
  const out = new Map<string, Buffer>();
  for (const name of tasks) {
    const task = join(databases, name);
    const format = (await readReferenceParams(task)).save_file_type;
    const folder = join(scratch, name);
    await mkdir(folder, { recursive: true });
    for (const file of [`train_v1_no_err.${format}`, `val_v1.${format}`]) {
      await copyFile(join(task, 'source', file), join(folder, file));
    }
    await copyFile(join(task, 'verify', 'all_metadata.json'), join(folder, 'params.json'));
    await exec(python, [REFERENCE_SCRIPT], { cwd: folder, env, maxBuffer: 64 * 1024 * 1024 });
    out.set(name, await readFile(join(folder, 'prediction.csv')));
  }
  return out;
}

/**
 * Same IF answer: byte-equal, or (regression) the same columns and rows with every number
 * allclose, as the benchmark's regression IF metric compares a prediction with the reference.
 */
function sameAnswer(name: string, a: Buffer, b: Buffer): boolean {
  if (a.equals(b)) return true;
  if (!name.endsWith('_reg')) return false;
  const [left, right] = [parseFrame(a.toString('utf8')), parseFrame(b.toString('utf8'))];
  if (!left.ok || !right.ok || left.frame.rowCount !== right.frame.rowCount) return false;
  if (left.frame.columns.join('\0') !== right.frame.columns.join('\0')) return false;
  return left.frame.columns.every((column) => {
    const [x, y] = [left.frame.byName.get(column)!, right.frame.byName.get(column)!];
    if (column === 'row_id' || x.kind !== 'number' || y.kind !== 'number') {
      return x.values.every((value, i) => value === y.values[i]);
    }
    return allClose(x.values as number[], y.values as number[]) === 0;
  });
}

async function main(): Promise<void> {
  const parsed = parseConfigText('');
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const verify = parsed.config.verify;
  const tasks = await tabularTasks();
  const scratch = await mkdtemp(join(tmpdir(), 'dare-forge-bench-verify-'));
  try {
    console.log(
      `${tasks.length} csv/sqlite IF tasks; ${availableParallelism()} cores; ${verify.python}; BLAS threads ${verify.blas_threads}`,
    );
    let started = performance.now();
    const reference = await baseline(verify.python, verify.blas_threads, tasks, scratch);
    const baselineMs = performance.now() - started;

    started = performance.now();
    const executor = await createLocalExecutor(verify);
    const startupMs = performance.now() - started;
    started = performance.now();
    const outcomes = await Promise.all(
      tasks.map((name) =>
        runReferenceSolution(executor, join(databases, name), {
          runTimeoutS: verify.limits.run_timeout_s,
          memoryLimitMb: verify.limits.memory_limit_mb,
        }),
      ),
    );
    const poolMs = performance.now() - started;
    const limits = { runTimeoutS: verify.limits.run_timeout_s, memoryLimitMb: verify.limits.memory_limit_mb };
    const dirs = tasks.map((name) => ({ name, dir: join(databases, name) }));
    const plans: PlanFigures[] = [];
    const verdicts = new Map<string, Map<string, TaskVerdict>>();
    for (const plan of Object.keys(planChecks)) {
      const result = await runPlan(executor, plan, dirs, limits);
      plans.push(result.figures);
      verdicts.set(plan, result.verdicts);
    }
    await executor.close();

    let identical = 0;
    let same = 0;
    let published = 0;
    for (const [index, name] of tasks.entries()) {
      const outcome = outcomes[index]!;
      const expected = await readFile(join(databases, name, 'verify', 'simulated_pred_local.csv'));
      if (outcome.status !== 'ok') {
        console.log(`  ${name}: pool ${outcome.status}: ${outcome.detail}`);
        continue;
      }
      const baselineOut = reference.get(name)!;
      if (outcome.predictions.equals(baselineOut)) identical++;
      if (sameAnswer(name, outcome.predictions, baselineOut)) same++;
      else console.log(`  ${name}: pool and baseline outputs DIFFER (not the same IF answer)`);
      if (outcome.predictions.equals(expected)) published++;
    }
    const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const figures: Record<string, unknown> = {
      tasks: tasks.length,
      workers: executor.size,
      baseline_s: +(baselineMs / 1000).toFixed(3),
      pool_startup_s: +(startupMs / 1000).toFixed(3),
      pool_s: +(poolMs / 1000).toFixed(3),
      speedup_warm: +(baselineMs / poolMs).toFixed(2),
      speedup_with_startup: +(baselineMs / (poolMs + startupMs)).toFixed(2),
      identical_to_baseline: identical,
      same_if_answer_as_baseline: same,
      identical_to_published: published,
    };
    console.log(`baseline (fresh python per task, sequential): ${seconds(baselineMs)}`);
    console.log(
      `pool (${executor.size} warm workers):          ${seconds(poolMs)}  (+ ${seconds(startupMs)} one-time startup)`,
    );
    console.log(`speedup: ${figures.speedup_warm}x warm, ${figures.speedup_with_startup}x including startup`);
    console.log(
      `outputs pool vs baseline: same IF answer ${same}/${tasks.length} (byte-identical ${identical}, ` +
        `the rest allclose regression); byte-identical to published: ${published}/${tasks.length}`,
    );
    const today = verdicts.get('separate')!;
    const differ = verdictDifferences(today, verdicts.get('shared')!);
    const differSingle = verdictDifferences(today, verdicts.get('one job')!);
    const differEarly = verdictDifferences(today, verdicts.get('one job+early_stop')!, true);
    const perTask = baselineMs / 1000 / tasks.length;
    console.log(
      `\nevery check per task (${tasks.length} tasks, ${executor.size} workers; CPU = sandbox jobs):`,
    );
    for (const plan of plans) console.log(formatPlan(plan));
    console.log(
      `  published reference script alone (fresh python per task): ${perTask.toFixed(2)} s wall/task`,
    );
    const [separate, shared, single] = [plans[0]!, plans[1]!, plans[2]!];
    console.log(
      `shared vs separate: ${(separate.cpu_s_per_task / shared.cpu_s_per_task).toFixed(2)}x less sandbox CPU per task, ` +
        `${(separate.fits_per_task - shared.fits_per_task).toFixed(2)} fit(s) fewer`,
    );
    console.log(
      `one job vs separate: ${(separate.cpu_s_per_task / single.cpu_s_per_task).toFixed(2)}x less sandbox CPU, ` +
        `${(separate.wall_s_per_task / single.wall_s_per_task).toFixed(2)}x less wall per task`,
    );
    console.log(
      `verdicts differing from the separate plan: shared ${differ.length}, one job ${differSingle.length} (whole verdict.json entries)`,
    );
    console.log(
      `                                            early stop ${differEarly.length} (status, reasons, flags)`,
    );
    for (const name of [...differ, ...differSingle, ...differEarly]) console.log(`  differs: ${name}`);
    Object.assign(figures, {
      plans,
      reference_script_s_per_task: +perTask.toFixed(3),
      verdict_differences: differ.length,
      verdict_differences_one_job: differSingle.length,
      verdict_differences_early_stop: differEarly.length,
    });
    if (differ.length + differSingle.length + differEarly.length > 0) process.exitCode = 1;
    await mkdir('.bench', { recursive: true });
    await writeFile(join('.bench', 'verify.json'), `${JSON.stringify(figures, null, 2)}\n`);
    if (same !== tasks.length) process.exitCode = 1;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
