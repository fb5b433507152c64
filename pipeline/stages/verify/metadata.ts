import { join } from 'node:path';
import { z } from 'zod';
import { Rejection } from '../../errors.ts';
import { type CorpusReadLimits, defaultReadLimits, readJsonInside } from '../../util/inside.ts';

const looseQuestionSchema = z.looseObject({
  target: z.union([z.string(), z.array(z.string()).min(1)]),
  problem_type: z.string(),
  save_file_type: z.string().nullish(),
  time_column: z.string().nullish(),
});
export type TaskQuestion = z.infer<typeof looseQuestionSchema>;

/**
 * The "question" object of a task's verify/all_metadata.json, read leniently (bare NaN) and
 * safely: a link, a special file or one over the cap is `unsafe_file`, never read.
 */
export async function readQuestion(
  taskDir: string,
  limits: CorpusReadLimits = defaultReadLimits(),
): Promise<TaskQuestion> {
  const path = join(taskDir, 'verify', 'all_metadata.json');
  const read = await readJsonInside(taskDir, 'verify/all_metadata.json', limits.maxMetadataBytes);
  if (!read.ok) {
    const unsafe = read.reason !== 'missing' && read.reason !== 'not_json' && read.reason !== 'too_deep';
    throw new Rejection(
      unsafe ? 'unsafe_file' : 'invalid_task',
      `${path}: cannot read (${read.reason}: ${read.detail}); ${unsafe ? 'replace it by a regular file' : 'rebuild the task'}`,
    );
  }
  const json = read.value;
  const parsed = z.object({ question: looseQuestionSchema }).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Rejection('invalid_task', `${path}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data.question;
}

export function targetsOf(question: TaskQuestion): string[] {
  return typeof question.target === 'string' ? [question.target] : question.target;
}
