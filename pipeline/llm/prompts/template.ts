import type { z } from 'zod';
import type { ChatMessage, CompleteRequest } from '../types.ts';

/**
 * A versioned prompt: bump `version` whenever the wording or the answer schema changes, so
 * cached answers of the old prompt are never replayed for the new one.
 */
export interface PromptTemplate<Args, Answer> {
  name: string;
  version: string;
  schemaName: string;
  schema: z.ZodType<Answer>;
  messages(args: Args): ChatMessage[];
}

export function toRequest<Args, Answer>(
  template: PromptTemplate<Args, Answer>,
  args: Args,
  labels?: { stage?: string; dataset?: string },
): CompleteRequest<Answer> {
  return {
    template: template.name,
    templateVersion: template.version,
    messages: template.messages(args),
    schemaName: template.schemaName,
    schema: template.schema,
    ...(labels ? { labels } : {}),
  };
}

export const jsonOnly =
  'Answer with one JSON object matching the given schema and nothing else. Column names must be copied exactly ' +
  '(case, spaces and punctuation) from the numbered column list; never invent or rename a column.';
