import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../context.ts';
import { Rejection } from '../errors.ts';
import type { DatasetId } from '../ids.ts';
import { asTaskId } from '../ids.ts';
import { QUESTION_ENTRY_FILE } from '../stages/build/write-task.ts';
import { verdictSchema } from '../stages/verify/schema.ts';
import type { StageName } from '../store/paths.ts';
import { datasetsOkAt, readStatus } from '../store/status.ts';
import { readLimitsFrom } from '../util/inside.ts';
import { compareText } from '../util/order.ts';
import { describeTaskFolder, type ReleaseTask } from './collect.ts';

/** Tasks whose verdict passed, from processed/<id>/verdict.json and the built task folders. */
export async function collectProcessedTasks(ctx: Context): Promise<ReleaseTask[]> {
  const tasks: ReleaseTask[] = [];
  for (const id of await datasetsOkAt(ctx.paths, 'verify')) {
    // A later run may have rejected it upstream (gone from Kaggle, a new version refused):
    // the stages after that never ran again, so their old ok records must not release it.
    const upstream = await failedUpstream(ctx, id);
    if (upstream) {
      ctx.logger.warn(
        `release: ${id} left out: its ${upstream} no longer ended ok; rerun the pipeline for it`,
      );
      continue;
    }
    const verdict = verdictSchema.parse(
      JSON.parse(await readFile(ctx.paths.artifact(id, 'verdict.json'), 'utf8')),
    );
    for (const taskVerdict of verdict.tasks) {
      if (taskVerdict.status !== 'passed') continue;
      const dir = ctx.paths.taskDir(id, asTaskId(taskVerdict.task));
      const entry = JSON.parse(await readFile(join(dir, QUESTION_ENTRY_FILE), 'utf8')) as Record<
        string,
        unknown
      >;
      try {
        const limits = readLimitsFrom(ctx.config.corpus.limits);
        tasks.push(await describeTaskFolder(dir, entry, taskVerdict, verdict.environment, limits));
      } catch (error) {
        if (!(error instanceof Rejection)) throw error;
        ctx.logger.warn(`release: ${taskVerdict.task} left out: rejected(${error.reason}): ${error.message}`);
      }
    }
  }
  return tasks.sort((a, b) => compareText(a.task, b.task));
}

const upstreamStages: readonly StageName[] = ['scrape', 'profile', 'draft', 'build'];

/** The first stage before verify whose latest record is not ok (a missing record is no evidence). */
async function failedUpstream(ctx: Context, id: DatasetId): Promise<string | undefined> {
  for (const stage of upstreamStages) {
    const status = await readStatus(ctx.paths, stage, id);
    if (status && status.outcome.status !== 'ok') return `${stage} stage`;
  }
  return undefined;
}
