import type { z } from 'zod';
import { formatIssues, LlmInvalidResponse } from './errors.ts';
import type { TokenUsage } from './types.ts';

/** Parses the provider's text as JSON and checks it against the schema, or throws LlmInvalidResponse. */
export function validateAnswer<T>(
  schema: z.ZodType<T>,
  text: string,
  context: { requestHash: string; cached: boolean; usage?: TokenUsage; costUsd?: number },
): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LlmInvalidResponse({
      rawText: text,
      issues: [`(root): not valid JSON (${reason})`],
      ...context,
    });
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new LlmInvalidResponse({ rawText: text, issues: formatIssues(parsed.error), ...context });
}
