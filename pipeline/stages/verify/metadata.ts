import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { Rejection } from '../../errors.ts';

/** Bare NaN / Infinity tokens (outside strings) become null: some published files hold them. */
export function parseLenientJson(text: string): unknown {
  const repaired = text.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g, (token) =>
    token.startsWith('"') ? token : 'null',
  );
  return JSON.parse(repaired);
}

const looseQuestionSchema = z.looseObject({
  target: z.union([z.string(), z.array(z.string()).min(1)]),
  problem_type: z.string(),
  save_file_type: z.string().nullish(),
  time_column: z.string().nullish(),
});
export type TaskQuestion = z.infer<typeof looseQuestionSchema>;

/** The "question" object of a task's verify/all_metadata.json, read leniently. */
export async function readQuestion(taskDir: string): Promise<TaskQuestion> {
  const path = join(taskDir, 'verify', 'all_metadata.json');
  let json: unknown;
  try {
    json = parseLenientJson(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Rejection('invalid_task', `${path}: cannot read (${String(error)}); rebuild the task`);
  }
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
