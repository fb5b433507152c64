import { Rejection } from '../../errors.ts';
import { defaultReadLimits, listInside } from '../../util/inside.ts';
import { readQuestion } from './metadata.ts';
import type { TaskVerdict } from './schema.ts';
import { type TabularVerification, type TaskCheckOptions, verifyTabularTask } from './tabular.ts';
import { verifyTimeSeriesTask } from './timeseries.ts';
import { decideTask, fail, skip } from './verdict.ts';

export function familyOf(task: string): TaskVerdict['family'] | null {
  const suffix = /_(class|reg|ts)$/.exec(task)?.[1];
  return suffix === 'class' || suffix === 'reg' || suffix === 'ts' ? suffix : null;
}

/** Verifies one DARE task folder (source/ + verify/); never throws for the task's own faults. */
export async function verifyTask(
  taskDir: string,
  task: string,
  options: TaskCheckOptions,
): Promise<TabularVerification> {
  const family = familyOf(task);
  if (!family) {
    throw new Error(`task folder "${task}" does not end in _class, _reg or _ts`);
  }
  const limits = options.limits ?? defaultReadLimits();
  // A corpus may be written by anyone: a link or special file anywhere in the task is refused
  // before any of it reaches the sandbox (a linked source file would come back in predictions).
  for (const part of ['source', 'verify']) {
    const listed = await listInside(taskDir, part, limits.maxFileBytes);
    if (!listed.ok && listed.reason !== 'missing') {
      const detail = `${part}/: ${listed.reason}: ${listed.detail}`;
      return {
        verdict: decideTask(task, family, [fail('files', 'unsafe_file', detail)], null),
        predictions: null,
      };
    }
  }
  let question: Awaited<ReturnType<typeof readQuestion>>;
  try {
    question = await readQuestion(taskDir, limits);
  } catch (error) {
    if (!(error instanceof Rejection)) throw error;
    return {
      verdict: decideTask(task, family, [fail('parameters', error.reason, error.message)], null),
      predictions: null,
    };
  }
  if (family === 'ts') {
    if (options.scope === 'reference') {
      const note = skip('ts_checks', 'reference scope: time series has no reference solution to regenerate');
      return { verdict: decideTask(task, family, [note], null), predictions: null };
    }
    return { verdict: await verifyTimeSeriesTask(taskDir, task, question, options), predictions: null };
  }
  return verifyTabularTask(taskDir, task, family, question, options);
}
