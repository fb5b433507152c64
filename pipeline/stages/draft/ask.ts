import { LlmInvalidResponse } from '../../llm/errors.ts';
import type { PromptTemplate } from '../../llm/prompts/template.ts';
import type { ChatMessage, LlmClient } from '../../llm/types.ts';
import type { LlmRequestRecord } from './schema.ts';
import type { Issue } from './validate.ts';

export type Asked<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

function retryMessage(issues: readonly Issue[]): string {
  return [
    'Your answer is invalid:',
    ...issues.map((issue) => `- ${issue.message}`),
    'Answer again with the corrected JSON object only. Copy column names exactly from the numbered column list.',
  ].join('\n');
}

/**
 * One structured call checked by `validate` (the table-aware rules beyond the schema). An invalid
 * answer is retried once with the problems quoted back; a second invalid answer gives up.
 * Every call, including failed ones, is appended to `records`.
 */
export async function askValidated<Args, Answer>(
  llm: LlmClient,
  template: PromptTemplate<Args, Answer>,
  args: Args,
  validate: (answer: Answer) => Issue[],
  records: LlmRequestRecord[],
  labels: { stage: string; dataset: string },
): Promise<Asked<Answer>> {
  const messages: ChatMessage[] = template.messages(args);
  let issues: Issue[] = [];
  for (let attempt = 0; attempt < 2; attempt++) {
    const record = { template: template.name, template_version: template.version };
    let answerText: string;
    try {
      const result = await llm.complete({
        template: template.name,
        templateVersion: template.version,
        messages: [...messages],
        schemaName: template.schemaName,
        schema: template.schema,
        labels,
      });
      records.push({
        ...record,
        request_hash: result.request_hash,
        input_tokens: result.usage.input_tokens,
        output_tokens: result.usage.output_tokens,
        cost_usd: result.cost_usd,
        cached: result.cached,
      });
      issues = validate(result.value);
      if (issues.length === 0) return { ok: true, value: result.value };
      answerText = JSON.stringify(result.value);
    } catch (error) {
      // The provider answered, but not in the schema: quoted back like a validation failure.
      if (!(error instanceof LlmInvalidResponse)) throw error;
      const failure = error;
      // A schema-invalid answer was still paid for: its tokens count like any other.
      records.push({
        ...record,
        request_hash: failure.requestHash,
        input_tokens: failure.usage.input_tokens,
        output_tokens: failure.usage.output_tokens,
        cost_usd: failure.costUsd,
        cached: failure.cached,
      });
      issues = failure.issues.map((message) => ({ what: 'schema' as const, message }));
      answerText = failure.rawText;
    }
    messages.push(
      { role: 'assistant', content: answerText },
      { role: 'user', content: retryMessage(issues) },
    );
  }
  return { ok: false, issues };
}
