import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import type { Config } from '../config/schema.ts';
import type { Context } from '../context.ts';
import type { DatasetId } from '../ids.ts';
import { readStatus } from '../store/status.ts';

/**
 * Sandbox seconds per task when this corpus has no verify record yet to measure from: two
 * variants, each a reference solution run twice (determinism) in a warm worker, on small tables.
 */
export const ASSUMED_SECONDS_PER_TASK = 12;
/**
 * Task folders a dataset yields when it has no draft yet. The published corpus counts 6,300
 * tasks from about 3,200 datasets, but it counts each folder twice (its v1 and v2 question):
 * 3,150 folders, one a dataset (the released subset: 4,274 tasks from 2,137 datasets).
 */
export const ASSUMED_TASKS_PER_DATASET = 1;

const draftFamilies = z.looseObject({
  families: z.record(z.string(), z.looseObject({ status: z.string() })),
});

/** Tasks a dataset will yield: its draft's ok families when drafted, else the corpus average. */
export async function tasksOf(ctx: Context, id: DatasetId): Promise<number> {
  try {
    const draft = draftFamilies.parse(
      JSON.parse(await readFile(ctx.paths.artifact(id, 'draft.json'), 'utf8')),
    );
    return Object.values(draft.families).filter((family) => family.status === 'ok').length;
  } catch {
    return ASSUMED_TASKS_PER_DATASET;
  }
}

/** Verification jobs running at once: the local pool (one worker a core by default) or the remote limit. */
export function verifyWorkers(config: Config): number {
  const verify = config.verify;
  if (verify.executor === 'remote') return verify.remote.concurrency;
  return verify.pool_size > 0 ? verify.pool_size : availableParallelism();
}

export interface VerifyRate {
  secondsPerDataset: number | undefined;
  measuredOn: number;
}

/** Mean wall time of the verify records already written for these datasets (none: undefined). */
export async function measuredVerifyRate(ctx: Context, ids: readonly DatasetId[]): Promise<VerifyRate> {
  let total = 0;
  let count = 0;
  for (const id of ids) {
    const status = await readStatus(ctx.paths, 'verify', id);
    if (!status || status.outcome.status === 'error') continue;
    total += status.duration_ms;
    count += 1;
  }
  return { secondsPerDataset: count > 0 ? total / count / 1000 : undefined, measuredOn: count };
}
