import { chmod, mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Context } from '../context.ts';
import { UserError } from '../errors.ts';
import { writeFileAtomic, writeJsonAtomic } from '../store/atomic.ts';
import { isActive, jobState, sbatch, scancel } from './jobs.ts';
import { CLI_PATH, commandLine, renderScripts, SHARD_JOB, sbatchCommands } from './render.ts';
import { readSubmission, type Submission, slurmDir } from './submission.ts';

export interface SubmitOptions {
  config: string;
  shards: number;
  version?: string;
  partition?: string;
  sbatchArgs: readonly string[];
  dryRun?: boolean;
  /** Writes what a dry run prints. */
  out: (text: string) => void;
}

/** Renders the two scripts into processed/_slurm/, submits the array and its release job, records both. */
export async function submit(ctx: Context, options: SubmitOptions): Promise<Submission | undefined> {
  const { dir, logs, record } = slurmDir(ctx.paths);
  const version = options.version ?? ctx.config.release.version;
  const values = {
    config: resolve(options.config),
    shards: options.shards,
    version,
    workdir: process.cwd(),
    logDir: logs,
    node: process.execPath,
    cli: CLI_PATH,
  };
  const scripts = await renderScripts(values);
  const plan = sbatchCommands({
    logDir: logs,
    scriptDir: dir,
    array: `0-${options.shards - 1}`,
    ...(options.partition ? { partition: options.partition } : {}),
    extra: options.sbatchArgs,
  });
  if (options.dryRun) {
    options.out(
      `# ${join(dir, 'shard.sbatch')}\n${scripts.shard}\n# ${join(dir, 'release.sbatch')}\n${scripts.release}\n` +
        `# sbatch commands (${SHARD_JOB} is the id the first prints)\n${commandLine(plan.shards)}\n${commandLine(plan.release)}\n`,
    );
    return undefined;
  }
  await refuseWhileActive(ctx);
  await mkdir(logs, { recursive: true });
  // Exit markers of an earlier submission would read as this one's.
  for (let k = 1; k <= options.shards; k++) await rm(join(logs, `shard-${k}.exit`), { force: true });
  await rm(join(logs, 'release.exit'), { force: true });
  for (const [name, text] of Object.entries(scripts)) {
    const path = join(dir, `${name}.sbatch`);
    await writeFileAtomic(path, text);
    await chmod(path, 0o755);
  }
  const arrayJob = await sbatch(plan.shards);
  const releaseJob = await sbatch(plan.release.map((w) => w.replace(SHARD_JOB, arrayJob)));
  const submission: Submission = {
    config: values.config,
    workdir: values.workdir,
    shards: options.shards,
    version,
    ...(options.partition ? { partition: options.partition } : {}),
    sbatch_args: [...options.sbatchArgs],
    scripts: { shard: join(dir, 'shard.sbatch'), release: join(dir, 'release.sbatch') },
    log_dir: logs,
    array_job: arrayJob,
    release_job: releaseJob,
    shard_jobs: Array.from({ length: options.shards }, (_, i) => ({ shard: i + 1, job: `${arrayJob}_${i}` })),
    history: [
      {
        at: new Date().toISOString(),
        action: 'submit',
        shard_job: arrayJob,
        release_job: releaseJob,
        shards: Array.from({ length: options.shards }, (_, i) => i + 1),
      },
    ],
  };
  await writeJsonAtomic(record, submission);
  return submission;
}

/** A second submission over the same folders while the first still runs would race it. */
async function refuseWhileActive(ctx: Context): Promise<void> {
  let previous: Submission;
  try {
    previous = await readSubmission(ctx.paths);
  } catch {
    return;
  }
  for (const job of [...previous.shard_jobs.map((s) => s.job), previous.release_job]) {
    if (isActive(await jobState(job))) {
      throw new UserError(
        `slurm: job ${job} of the earlier submission (${slurmDir(ctx.paths).record}) is still queued or running; ` +
          `wait for it, or cancel it with \`scancel ${job.replace(/_\d+$/, '')}\`, then submit again`,
      );
    }
  }
}

export interface ResubmitOptions {
  shard: number;
  dryRun?: boolean;
  out: (text: string) => void;
}

/**
 * Submits one shard again (as a one-task array with its original task id, so SLURM_ARRAY_TASK_ID
 * still names it) and a new release job after it and after any other shard still queued or running.
 */
export async function resubmit(ctx: Context, options: ResubmitOptions): Promise<Submission | undefined> {
  const previous = await readSubmission(ctx.paths);
  if (options.shard < 1 || options.shard > previous.shards) {
    throw new UserError(
      `slurm resubmit --shard ${options.shard}: the submission has shards 1 to ${previous.shards}`,
    );
  }
  const { dir, logs, record } = slurmDir(ctx.paths);
  const others = previous.shard_jobs.filter((s) => s.shard !== options.shard);
  const stillRunning: string[] = [];
  for (const other of others) if (isActive(await jobState(other.job))) stillRunning.push(other.job);
  const plan = sbatchCommands({
    logDir: logs,
    scriptDir: dir,
    array: String(options.shard - 1),
    ...(previous.partition ? { partition: previous.partition } : {}),
    extra: previous.sbatch_args,
    alsoAfter: stillRunning,
  });
  if (options.dryRun) {
    options.out(`${commandLine(plan.shards)}\n${commandLine(plan.release)}\n`);
    return undefined;
  }
  const current = previous.shard_jobs.find((s) => s.shard === options.shard);
  if (current && isActive(await jobState(current.job))) {
    throw new UserError(
      `slurm resubmit --shard ${options.shard}: its job ${current.job} is still queued or running; wait for it or \`scancel ${current.job}\` first`,
    );
  }
  // The old release job would otherwise release without this shard's new work, or wait forever.
  if (isActive(await jobState(previous.release_job))) await scancel(previous.release_job);
  await rm(join(logs, `shard-${options.shard}.exit`), { force: true });
  await rm(join(logs, 'release.exit'), { force: true });
  const shardJob = await sbatch(plan.shards);
  const releaseJob = await sbatch(plan.release.map((w) => w.replace(SHARD_JOB, shardJob)));
  const next: Submission = {
    ...previous,
    release_job: releaseJob,
    shard_jobs: previous.shard_jobs.map((s) =>
      s.shard === options.shard ? { shard: s.shard, job: `${shardJob}_${options.shard - 1}` } : s,
    ),
    history: [
      ...previous.history,
      {
        at: new Date().toISOString(),
        action: 'resubmit',
        shard_job: shardJob,
        release_job: releaseJob,
        shards: [options.shard],
      },
    ],
  };
  await writeJsonAtomic(record, next);
  return next;
}
