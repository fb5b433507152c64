import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type VerifyChecksConfig, verifyChecksSection } from '../../config/sections/verify-checks.ts';
import type { Context } from '../../context.ts';
import { Rejection, UserError } from '../../errors.ts';
import type { DatasetId } from '../../ids.ts';
import type { StageSummary } from '../../progress.ts';
import { runStage, type StageDefinition, type StageResult } from '../../runner.ts';
import { cachedFingerprint } from '../../sandbox/fingerprint-cache.ts';
import { type EnvironmentFingerprint, type Executor, environmentFingerprint } from '../../sandbox/index.ts';
import { LazyExecutor } from '../../sandbox/lazy.ts';
import { writeFileAtomic, writeJsonAtomic } from '../../store/atomic.ts';
import { ok } from '../../store/outcome.ts';
import { datasetsOkAt } from '../../store/status.ts';
import type { StageRunOptions } from '../registry.ts';
import { verdictEnvironment } from './environment.ts';
import { REFERENCE_PREDICTIONS, taskFileHashes, taskFolderHash, taskFolders } from './inputs.ts';
import { programHashes } from './python-checks.ts';
import type { Verdict } from './schema.ts';
import type { TaskCheckOptions } from './tabular.ts';
import { verifyTask } from './task.ts';

export { verdictSchema } from './schema.ts';

/** The checks section: config.verify_checks once registered in the config schema, else defaults. */
export function checksConfig(ctx: Context): VerifyChecksConfig {
  const raw: unknown = Reflect.get(ctx.config, 'verify_checks');
  return verifyChecksSection.parse(raw ?? {});
}

export interface VerifyEnvironment {
  executor: Executor;
  fingerprint: EnvironmentFingerprint;
}

export function makeVerifyStage(environment: VerifyEnvironment, checks: VerifyChecksConfig): StageDefinition {
  return {
    stage: 'verify',
    // The library versions of the interpreter are in the inputs (the environment fingerprint).
    code: { modules: [import.meta.url], python: ['verifiers', 'verifiers/checks'] },
    async inputs(ctx, id) {
      const tasksDir = join(ctx.paths.processedDir(id), 'tasks');
      const tasks: Record<string, Record<string, string>> = {};
      for (const task of await taskFolders(tasksDir))
        tasks[task] = await taskFileHashes(join(tasksDir, task));
      // Pool size and remote tuning do not change outputs; the interpreter, limits and the
      // fingerprint of where jobs actually run do.
      const { python, limits } = ctx.config.verify;
      return {
        tasks,
        verify: { python, limits },
        checks,
        environment: environment.fingerprint,
        programs: await programHashes(),
      };
    },
    process: (ctx, id) => verifyDataset(ctx, id, environment, checks),
  };
}

async function verifyDataset(
  ctx: Context,
  id: DatasetId,
  environment: VerifyEnvironment,
  checks: VerifyChecksConfig,
): Promise<StageResult> {
  const tasksDir = join(ctx.paths.processedDir(id), 'tasks');
  const options: TaskCheckOptions = {
    run: {
      executor: environment.executor,
      runTimeoutS: ctx.config.verify.limits.run_timeout_s,
      memoryLimitMb: ctx.config.verify.limits.memory_limit_mb,
      signal: ctx.signal,
    },
    checks,
    scope: 'all',
  };
  const verdict: Verdict = {
    dataset: id,
    environment: verdictEnvironment(environment.fingerprint),
    tasks: [],
  };
  const artifacts: string[] = [];
  for (const task of await taskFolders(tasksDir)) {
    const taskDir = join(tasksDir, task);
    const folder = await taskFolderHash(taskDir);
    const { verdict: taskVerdict, predictions } = await verifyTask(taskDir, task, options);
    const path = join(taskDir, REFERENCE_PREDICTIONS);
    if (predictions) {
      await writeFileAtomic(path, predictions);
      artifacts.push(path);
    } else await rm(path, { force: true });
    verdict.tasks.push({ ...taskVerdict, folder_sha256: folder });
  }
  const verdictPath = ctx.paths.artifact(id, 'verdict.json');
  await writeJsonAtomic(verdictPath, verdict);
  if (verdict.tasks.length === 0)
    throw new Rejection('no_tasks', `${tasksDir} holds no task folder; run build first`);
  const passed = verdict.tasks.filter((t) => t.status === 'passed');
  if (passed.length === 0) {
    const env = verdict.tasks.every((t) => t.status === 'env_missing_pyarrow');
    const why = verdict.tasks.map(
      (t) => `${t.task}: ${t.status === 'rejected' ? t.reasons.join('+') : t.status}`,
    );
    throw new Rejection(env ? 'env_missing_pyarrow' : 'no_task_passed', why.join('; '));
  }
  return {
    outcome: ok(`${passed.length}/${verdict.tasks.length} task(s) passed`),
    artifacts: [...artifacts, verdictPath],
  };
}

/** Verifies every dataset whose build is ok (or only the given ones among them). */
export async function run(ctx: Context, options: StageRunOptions = {}): Promise<StageSummary> {
  const ready = await datasetsOkAt(ctx.paths, 'build');
  const missing = options.only?.filter((id) => !ready.includes(id)) ?? [];
  if (missing.length > 0) {
    throw new UserError(
      `not built (no ok build status under ${ctx.paths.processed}): ${missing.join(', ')}. Run the build stage for them first.`,
    );
  }
  const ids = options.only ? ready.filter((id) => options.only?.includes(id)) : ready;
  // The context's pool starts on the first job: with every dataset fresh and the environment's
  // fingerprint cached, a rerun starts no Python. A handed-in executor (tests) is used as is.
  const executor = ctx.executor();
  const lazy = executor instanceof LazyExecutor ? executor : undefined;
  try {
    const fingerprint = await verifyFingerprint(ctx, executor, Boolean(lazy));
    const stage = makeVerifyStage({ executor, fingerprint }, checksConfig(ctx));
    return await runStage(ctx, stage, ids, { force: options.force ?? false });
  } finally {
    if (lazy)
      ctx.logger.debug(`verify: sandbox ${lazy.started ? 'started' : 'not started (nothing to run)'}`);
  }
}

/** The fingerprint of a local executor is cached under processed/_cache/ (see fingerprint-cache.ts). */
async function verifyFingerprint(ctx: Context, executor: Executor, cacheable: boolean) {
  const { python, bwrap, blas_threads } = ctx.config.verify;
  if (!cacheable || ctx.config.verify.executor !== 'local') return environmentFingerprint(executor);
  const file = join(ctx.paths.processed, '_cache', 'environment.json');
  const { fingerprint, cached } = await cachedFingerprint(executor, file, { python, bwrap, blas_threads });
  ctx.logger.debug(`verify: environment fingerprint ${cached ? `reused from ${file}` : 'measured'}`);
  return fingerprint;
}
