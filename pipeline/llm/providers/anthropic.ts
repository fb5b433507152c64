import Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import { LlmBadResponse } from '../errors.ts';
import type { BatchItem, BatchOperations, Provider, ProviderAnswer, ProviderSettings } from '../provider.ts';
import { CLOCK_SKEW_MS } from '../provider.ts';
import type { PreparedRequest } from '../request.ts';
import { classifySdkError } from '../retry.ts';
import { createAnthropicSdk } from '../sdk.ts';

/** A Messages API answer, as drafting and the eval agent client read it. */
export const anthropicMessageSchema = z.looseObject({
  content: z.array(
    z.looseObject({
      type: z.string(),
      id: z.string().optional(),
      name: z.string().optional(),
      input: z.unknown().optional(),
      text: z.string().optional(),
    }),
  ),
  usage: z.looseObject({ input_tokens: z.number(), output_tokens: z.number() }),
});

const resultSchema = z.looseObject({
  custom_id: z.string(),
  result: z.looseObject({
    type: z.string(),
    message: z.unknown().optional(),
    error: z.looseObject({ error: z.looseObject({ message: z.string() }).optional() }).optional(),
  }),
});

type MessageParams = (request: PreparedRequest) => Anthropic.MessageCreateParamsNonStreaming;

/** A request as Messages API parameters: the answer's schema as a forced tool, or as the output format. */
function messageParams(settings: ProviderSettings): MessageParams {
  return (request) => {
    const system = request.messages
      .filter((message) => message.role === 'system')
      .map((message) => message.content)
      .join('\n\n');
    const messages = request.messages.flatMap((message) =>
      message.role === 'system' ? [] : [{ role: message.role, content: message.content }],
    );
    const base = {
      model: request.model,
      max_tokens: settings.maxTokens,
      temperature: settings.temperature,
      messages,
      ...(system ? { system } : {}),
    };
    if (settings.anthropicMode === 'json_schema') {
      return { ...base, output_config: { format: { type: 'json_schema', schema: request.jsonSchema } } };
    }
    return {
      ...base,
      tools: [
        {
          name: request.schemaName,
          description: 'Record the answer. Its input is the complete answer.',
          input_schema: { ...request.jsonSchema, type: 'object' },
        },
      ],
      tool_choice: { type: 'tool', name: request.schemaName },
    };
  };
}

export function anthropicProvider(settings: ProviderSettings): Provider {
  const client = createAnthropicSdk(settings);
  const params = messageParams(settings);
  return {
    name: 'anthropic',
    model: settings.model,
    endpoint: client.baseURL,
    async complete(request, signal) {
      const message = await client.messages.create(params(request), signal ? { signal } : {});
      return answerOf(message, request.schemaName);
    },
    classify: (error) => classifySdkError(error, Anthropic, settings.now()),
    ...anthropicBatches(client, params),
  };
}

/** Message Batches: untagged, so a lost submission is looked for by its request count. */
function anthropicBatches(client: Anthropic, params: MessageParams): BatchOperations {
  return {
    async submitBatch(requests) {
      const batch = await client.messages.batches.create({
        requests: requests.map((request) => ({ custom_id: request.hash, params: params(request) })),
      });
      return batch.id;
    },
    async findBatches(lost) {
      const ids: string[] = [];
      for await (const batch of client.messages.batches.list({ limit: 100 })) {
        if (Date.parse(batch.created_at) < lost.since - CLOCK_SKEW_MS) break;
        const counts = batch.request_counts;
        const total =
          counts.processing + counts.succeeded + counts.errored + counts.canceled + counts.expired;
        if (total === lost.requests) ids.push(batch.id);
      }
      return ids;
    },
    async pollBatch(batchId) {
      const batch = await client.messages.batches.retrieve(batchId);
      return batch.processing_status === 'ended'
        ? { status: 'ended' }
        : { status: 'running', detail: batch.processing_status };
    },
    async batchResults(batchId) {
      const items: BatchItem[] = [];
      for await (const line of await client.messages.batches.results(batchId)) {
        const parsed = resultSchema.safeParse(line);
        if (!parsed.success) continue;
        const { custom_id: hash, result } = parsed.data;
        if (result.type === 'succeeded') {
          const message = anthropicMessageSchema.safeParse(result.message);
          items.push(
            message.success
              ? { hash, ok: true, answer: answerOf(message.data, undefined) }
              : { hash, ok: false, error: 'unreadable message in batch results' },
          );
        } else {
          items.push({ hash, ok: false, error: result.error?.error?.message ?? result.type });
        }
      }
      return items;
    },
  };
}

/** The forced tool call's input is the answer; without one, the text blocks are. */
function answerOf(message: unknown, toolName: string | undefined): ProviderAnswer {
  const result = anthropicMessageSchema.safeParse(message);
  if (!result.success) throw new LlmBadResponse(`not an Anthropic message: ${z.prettifyError(result.error)}`);
  const parsed = result.data;
  const toolUse = parsed.content.find(
    (block) => block.type === 'tool_use' && (toolName === undefined || block.name === toolName),
  );
  const text = toolUse
    ? JSON.stringify(toolUse.input ?? null)
    : parsed.content
        .filter((block) => block.type === 'text')
        .map((block) => block.text ?? '')
        .join('');
  return {
    text,
    usage: { input_tokens: parsed.usage.input_tokens, output_tokens: parsed.usage.output_tokens },
  };
}
