import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import type { Paths } from '../store/paths.ts';

/** Where a submission lives: scripts, logs and submission.json, under the run's processed/ folder. */
export function slurmDir(paths: Paths): { dir: string; logs: string; record: string } {
  const dir = join(paths.processed, '_slurm');
  return { dir, logs: join(dir, 'logs'), record: join(dir, 'submission.json') };
}

const shardSchema = z.strictObject({
  shard: z.int().min(1),
  /** The Slurm id of the array task that runs this shard now, e.g. "12_0" (or "15_1" after a resubmit). */
  job: z.string(),
});

export const submissionSchema = z.strictObject({
  config: z.string(),
  workdir: z.string(),
  shards: z.int().min(1),
  version: z.string(),
  partition: z.string().optional(),
  sbatch_args: z.array(z.string()),
  scripts: z.strictObject({ shard: z.string(), release: z.string() }),
  log_dir: z.string(),
  /** The array job first submitted. */
  array_job: z.string(),
  /** The release-and-audit job that waits for the current shard jobs. */
  release_job: z.string(),
  shard_jobs: z.array(shardSchema),
  history: z.array(
    z.strictObject({
      at: z.string(),
      action: z.enum(['submit', 'resubmit']),
      shard_job: z.string(),
      release_job: z.string(),
      shards: z.array(z.int()),
    }),
  ),
});
export type Submission = z.infer<typeof submissionSchema>;

export async function readSubmission(paths: Paths): Promise<Submission> {
  const { record } = slurmDir(paths);
  let text: string;
  try {
    text = await readFile(record, 'utf8');
  } catch {
    throw new UserError(
      `slurm: no submission recorded at ${record}; submit one first with \`dare-forge slurm submit --config <file> --shards N\``,
    );
  }
  let parsed: ReturnType<typeof submissionSchema.safeParse>;
  try {
    parsed = submissionSchema.safeParse(JSON.parse(text));
  } catch (error) {
    throw new UserError(`slurm: ${record} is not JSON (${(error as Error).message}); submit again`);
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`slurm: ${record}: ${issue?.path.join('.')}: ${issue?.message}; submit again`);
  }
  return parsed.data;
}
