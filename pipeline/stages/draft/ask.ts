import type { PromptTemplate } from '../../llm/prompts/template.ts';
import type { ChatMessage, LlmClient } from '../../llm/types.ts';
import type { LlmRequestRecord } from './schema.ts';
import type { Issue } from './validate.ts';

export type Asked<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

/**
 * The provider's "answer does not match the schema" error, recognised by shape so this module
 * depends only on the LlmClient interface: it carries the raw text and the issues.
 */
function schemaFailure(
  error: unknown,
): { rawText: string; issues: readonly string[]; requestHash: string; cached: boolean } | null {
  if (!(error instanceof Error) || !('rawText' in error) || !('issues' in error) || !('requestHash' in error))
    return null;
  const { rawText, issues, requestHash } = error;
  if (typeof rawText !== 'string' || !Array.isArray(issues) || typeof requestHash !== 'string') return null;
  return {
    rawText,
    issues: issues.map(String),
    requestHash,
    cached: 'cached' in error && error.cached === true,
  };
}

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
      const failure = schemaFailure(error);
      if (!failure) throw error;
      // Tokens of a schema-invalid answer are counted by the client's ledger, not here.
      records.push({
        ...record,
        request_hash: failure.requestHash,
        input_tokens: 0,
        output_tokens: 0,
        cost_usd: 0,
        cached: failure.cached,
      });
      issues = failure.issues.map((message) => ({ what: 'schema', message }));
      answerText = failure.rawText;
    }
    messages.push(
      { role: 'assistant', content: answerText },
      { role: 'user', content: retryMessage(issues) },
    );
  }
  return { ok: false, issues };
}
