import OpenAI from 'openai';
import { z } from 'zod';
import { LlmBadResponse } from '../../llm/errors.ts';
import { classifySdkError } from '../../llm/retry.ts';
import { createOpenAiSdk } from '../../llm/sdk.ts';
import type { ModelTurn, TranscriptMessage } from '../transcript.ts';
import type { AgentClientSettings, AgentModelClient } from './types.ts';

const responseSchema = z.looseObject({
  output: z.array(
    z.looseObject({
      type: z.string(),
      call_id: z.string().optional(),
      name: z.string().optional(),
      arguments: z.string().optional(),
      content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).optional(),
    }),
  ),
  usage: z.looseObject({ input_tokens: z.number(), output_tokens: z.number() }).nullish(),
});

/** Our transcript as Responses API input items (tool calls and their outputs are items of their own). */
export function responsesInput(messages: readonly TranscriptMessage[]): OpenAI.Responses.ResponseInputItem[] {
  return messages.flatMap((message): OpenAI.Responses.ResponseInputItem[] => {
    if (message.role === 'tool') {
      return [{ type: 'function_call_output', call_id: message.tool_call_id, output: message.content }];
    }
    if (message.role === 'assistant') {
      const text: OpenAI.Responses.ResponseInputItem[] = message.content
        ? [{ role: 'assistant', content: message.content }]
        : [];
      return [
        ...text,
        ...message.tool_calls.map(
          (call): OpenAI.Responses.ResponseInputItem => ({
            type: 'function_call',
            call_id: call.id,
            name: call.name,
            arguments: call.arguments,
          }),
        ),
      ];
    }
    return [{ role: message.role, content: message.content }];
  });
}

export function responsesTurnOf(response: unknown): ModelTurn {
  const parsed = responseSchema.safeParse(response);
  if (!parsed.success)
    throw new LlmBadResponse(`not a Responses API response: ${z.prettifyError(parsed.error)}`);
  const items = parsed.data.output;
  return {
    content: items
      .filter((item) => item.type === 'message')
      .flatMap((item) => item.content ?? [])
      .filter((part) => part.type === 'output_text')
      .map((part) => part.text ?? '')
      .join(''),
    tool_calls: items
      .filter((item) => item.type === 'function_call')
      .map((item) => ({ id: item.call_id ?? '', name: item.name ?? '', arguments: item.arguments ?? '' })),
    usage: {
      input_tokens: parsed.data.usage?.input_tokens ?? 0,
      output_tokens: parsed.data.usage?.output_tokens ?? 0,
    },
  };
}

/** OpenAI Responses API (o-series, gpt-5, gpt-oss). Nothing is stored server-side (store: false). */
export function openAiResponsesClient(settings: AgentClientSettings): AgentModelClient {
  const client = createOpenAiSdk(settings);
  return {
    protocol: 'responses',
    endpoint: client.baseURL,
    async turn(messages, tools, signal) {
      const response = await client.responses.create(
        {
          model: settings.model,
          input: responsesInput(messages),
          // The schema shapes are built and checked in tool.ts; the SDK's type is the same shape.
          tools: tools as OpenAI.Responses.Tool[],
          temperature: settings.temperature,
          max_output_tokens: settings.maxTokens,
          store: false,
        },
        signal ? { signal } : {},
      );
      return responsesTurnOf(response);
    },
    classify: (error) => classifySdkError(error, OpenAI, settings.now()),
  };
}
