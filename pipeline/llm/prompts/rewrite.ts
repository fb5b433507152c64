import { z } from 'zod';
import type { PromptTemplate } from './template.ts';

export const rewriteAnswerSchema = z.object({ question: z.string().min(1) });
export type RewriteAnswer = z.infer<typeof rewriteAnswerSchema>;

export interface RewriteArgs {
  /** The templated question, with column names in backticks. */
  question: string;
  /** Natural descriptions of the columns the question names (from the dataset's column descriptions). */
  columnDescriptions: { name: string; description: string }[];
}

const system = `You rewrite a data-science task statement into plain, natural English.
Rules:
- Where a column description is given, refer to the column by its description, followed by its exact name in
  backticks the first time it appears.
- Keep every instruction, number, range, rule and condition, in the original order; drop nothing (for example
  "keep rows with missing values" must survive).
- Keep file names, target column names and code identifiers exactly as written, in backticks.
- Add nothing: no greeting, no explanation, no extra requirements.
Answer with one JSON object {"question": "..."} and nothing else.`;

/** Used by the build stage after templating a question; validated there (every backticked name kept). */
export const rewriteTemplate: PromptTemplate<RewriteArgs, RewriteAnswer> = {
  name: 'question_rewrite',
  version: '1',
  schemaName: 'question_rewrite',
  schema: rewriteAnswerSchema,
  messages: ({ question, columnDescriptions }) => [
    { role: 'system', content: system },
    {
      role: 'user',
      content: `Column descriptions:\n${
        columnDescriptions.length > 0
          ? columnDescriptions.map(({ name, description }) => `- \`${name}\`: ${description}`).join('\n')
          : '(none)'
      }\n\nTask statement:\n${question}`,
    },
  ],
};

/** Backticked spans of the original that the rewrite dropped (the build stage rejects such a rewrite). */
export function droppedIdentifiers(original: string, rewritten: string): string[] {
  const spans = (text: string) => new Set([...text.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? ''));
  const kept = spans(rewritten);
  return [...spans(original)].filter((span) => !kept.has(span));
}
