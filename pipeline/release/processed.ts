import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../context.ts';
import { asTaskId } from '../ids.ts';
import { QUESTION_ENTRY_FILE } from '../stages/build/write-task.ts';
import { verdictSchema } from '../stages/verify/schema.ts';
import { datasetsOkAt } from '../store/status.ts';
import { describeTaskFolder, type ReleaseTask } from './collect.ts';

/** Tasks whose verdict passed, from processed/<id>/verdict.json and the built task folders. */
export async function collectProcessedTasks(ctx: Context): Promise<ReleaseTask[]> {
  const tasks: ReleaseTask[] = [];
  for (const id of await datasetsOkAt(ctx.paths, 'verify')) {
    const verdict = verdictSchema.parse(
      JSON.parse(await readFile(ctx.paths.artifact(id, 'verdict.json'), 'utf8')),
    );
    for (const taskVerdict of verdict.tasks) {
      if (taskVerdict.status !== 'passed') continue;
      const dir = ctx.paths.taskDir(id, asTaskId(taskVerdict.task));
      const entry = JSON.parse(
        await readFile(join(dir, QUESTION_ENTRY_FILE), 'utf8'),
      ) as Record<string, unknown>;
      tasks.push(await describeTaskFolder(dir, entry, taskVerdict, verdict.environment));
    }
  }
  return tasks.sort((a, b) => a.task.localeCompare(b.task));
}
