import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { knownDatasets } from '../commands/common.ts';
import type { Context } from '../context.ts';
import { asDatasetId } from '../ids.ts';
import { inShard } from '../shard.ts';
import { type StageName, stageOrder } from '../store/paths.ts';
import { readStatus } from '../store/status.ts';
import { jobState } from './jobs.ts';
import { readSubmission, type Submission } from './submission.ts';

export interface ShardProgress {
  shard: number;
  job: string;
  /** From `scontrol show job`; absent when Slurm is unreachable or has forgotten the job. */
  state?: string;
  /** What the job script wrote when it ended (its exit code); absent while it has not ended. */
  exit?: number;
  /** Datasets of this shard seen on disk: done (every stage ended ok, or one rejected), failed (a stage ended in error), pending. */
  datasets: { done: number; failed: number; pending: number };
  failed: { dataset: string; stage: StageName; reason: string }[];
}

export interface SlurmStatus {
  submission: Submission;
  shards: ShardProgress[];
  release: { job: string; state?: string; exit?: number; written: boolean };
}

type DatasetState = { kind: 'done' | 'pending' } | { kind: 'failed'; stage: StageName; reason: string };

/** How far one dataset got, from the status records its stages wrote. */
async function datasetState(ctx: Context, id: string): Promise<DatasetState> {
  for (const stage of stageOrder) {
    if (stage === 'release') break;
    const status = await readStatus(ctx.paths, stage, asDatasetId(id));
    if (!status) return { kind: 'pending' };
    if (status.outcome.status === 'error') return { kind: 'failed', stage, reason: status.outcome.reason };
    if (status.outcome.status === 'rejected') return { kind: 'done' };
  }
  return { kind: 'done' };
}

async function exitCode(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  const code = text === undefined ? Number.NaN : Number.parseInt(text.trim(), 10);
  return Number.isInteger(code) ? code : undefined;
}

/** The progress of the recorded submission: per shard from the artifacts, and Slurm's job states. */
export async function slurmStatus(ctx: Context): Promise<SlurmStatus> {
  const submission = await readSubmission(ctx.paths);
  const ids = await knownDatasets(ctx);
  const shards: ShardProgress[] = [];
  for (const { shard, job } of submission.shard_jobs) {
    const progress: ShardProgress = {
      shard,
      job,
      datasets: { done: 0, failed: 0, pending: 0 },
      failed: [],
    };
    const slice = { index: shard, count: submission.shards };
    for (const id of ids.filter((i) => inShard(i, slice))) {
      const state = await datasetState(ctx, id);
      progress.datasets[state.kind]++;
      if (state.kind === 'failed')
        progress.failed.push({ dataset: id, stage: state.stage, reason: state.reason });
    }
    const state = await jobState(job);
    if (state) progress.state = state;
    const exit = await exitCode(join(submission.log_dir, `shard-${shard}.exit`));
    if (exit !== undefined) progress.exit = exit;
    shards.push(progress);
  }
  const releaseState = await jobState(submission.release_job);
  const releaseExit = await exitCode(join(submission.log_dir, 'release.exit'));
  const written = await access(join(ctx.paths.splits, submission.version, 'manifest.json')).then(
    () => true,
    () => false,
  );
  return {
    submission,
    shards,
    release: {
      job: submission.release_job,
      ...(releaseState ? { state: releaseState } : {}),
      ...(releaseExit !== undefined ? { exit: releaseExit } : {}),
      written,
    },
  };
}

export function statusText(status: SlurmStatus): string {
  const { submission } = status;
  const lines = [
    `slurm: ${submission.shards} shard(s) of ${submission.config}, release ${submission.version} (${submission.log_dir})`,
  ];
  for (const s of status.shards) {
    const d = s.datasets;
    lines.push(
      `  shard ${s.shard}/${submission.shards}  job ${s.job}  ${s.state ?? 'state unknown'}` +
        `${s.exit !== undefined ? `  exit ${s.exit}` : ''}  datasets done ${d.done}  failed ${d.failed}  pending ${d.pending}`,
    );
    for (const f of s.failed) lines.push(`    ${f.dataset}: ${f.stage} error(${f.reason})`);
  }
  const r = status.release;
  lines.push(
    `  release  job ${r.job}  ${r.state ?? 'state unknown'}${r.exit !== undefined ? `  exit ${r.exit}` : ''}` +
      `  ${r.written ? 'written' : 'not written yet'}`,
  );
  const failedShards = status.shards.filter((s) => s.failed.length > 0 || (s.exit ?? 0) !== 0);
  for (const s of failedShards) {
    lines.push(
      `  shard ${s.shard} failed: after fixing, run \`dare-forge slurm resubmit --shard ${s.shard}\``,
    );
  }
  return `${lines.join('\n')}\n`;
}
