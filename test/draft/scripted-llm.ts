import { LlmInvalidResponse } from '../../pipeline/llm/errors.ts';
import type { CompleteRequest, CompleteResult, LlmClient } from '../../pipeline/llm/types.ts';
import { hashValue } from '../../pipeline/util/hash.ts';

/**
 * A test double at the LLM boundary only: answers are scripted per template, in order. An
 * answer that fails the request's schema raises the real client's LlmInvalidResponse.
 */
export class ScriptedLlm implements LlmClient {
  readonly provider = 'openai';
  readonly model = 'scripted-model';
  readonly requests: CompleteRequest<unknown>[] = [];
  readonly #answers: Map<string, unknown[]>;

  constructor(answers: Record<string, unknown[]>) {
    this.#answers = new Map(Object.entries(answers).map(([template, list]) => [template, [...list]]));
  }

  async complete<T>(request: CompleteRequest<T>): Promise<CompleteResult<T>> {
    this.requests.push(request);
    const queue = this.#answers.get(request.template);
    if (!queue || queue.length === 0) throw new Error(`no scripted answer left for ${request.template}`);
    const answer = queue.shift();
    const requestHash = hashValue({ template: request.template, messages: request.messages });
    const parsed = request.schema.safeParse(answer);
    if (!parsed.success) {
      throw new LlmInvalidResponse({
        rawText: JSON.stringify(answer),
        issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
        requestHash,
        cached: false,
      });
    }
    return {
      value: parsed.data,
      usage: { input_tokens: 100, output_tokens: 20 },
      cost_usd: 0.0001,
      cached: false,
      request_hash: requestHash,
      provider: this.provider,
      model: this.model,
    };
  }

  templatesCalled(): string[] {
    return this.requests.map((request) => request.template);
  }
}
