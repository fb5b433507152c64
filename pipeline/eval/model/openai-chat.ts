import OpenAI from 'openai';
import { z } from 'zod';
import { LlmBadResponse } from '../../llm/errors.ts';
import { classifySdkError } from '../../llm/retry.ts';
import { chatMaxTokens, createOpenAiSdk } from '../../llm/sdk.ts';
import type { ModelTurn, TranscriptMessage } from '../transcript.ts';
import type { AgentClientSettings, AgentModelClient } from './types.ts';

const completionSchema = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        message: z.looseObject({
          content: z.string().nullish(),
          refusal: z.string().nullish(),
          tool_calls: z
            .array(
              z.looseObject({
                id: z.string(),
                function: z.looseObject({ name: z.string(), arguments: z.string() }),
              }),
            )
            .nullish(),
        }),
      }),
    )
    .min(1),
  usage: z.looseObject({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish(),
});

/** Our transcript as Chat Completions messages. */
export function chatMessages(
  messages: readonly TranscriptMessage[],
): OpenAI.Chat.ChatCompletionMessageParam[] {
  return messages.map((message): OpenAI.Chat.ChatCompletionMessageParam => {
    if (message.role === 'tool') {
      return { role: 'tool', tool_call_id: message.tool_call_id, content: message.content };
    }
    if (message.role === 'assistant') {
      return {
        role: 'assistant',
        content: message.content || null,
        ...(message.tool_calls.length > 0
          ? {
              tool_calls: message.tool_calls.map((call) => ({
                id: call.id,
                type: 'function' as const,
                function: { name: call.name, arguments: call.arguments },
              })),
            }
          : {}),
      };
    }
    return { role: message.role, content: message.content };
  });
}

export function chatTurnOf(completion: unknown): ModelTurn {
  const parsed = completionSchema.safeParse(completion);
  if (!parsed.success) throw new LlmBadResponse(`not a chat completion: ${z.prettifyError(parsed.error)}`);
  const message = parsed.data.choices[0]?.message;
  return {
    content: message?.content ?? message?.refusal ?? '',
    tool_calls: (message?.tool_calls ?? []).map((call) => ({
      id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
    })),
    usage: {
      input_tokens: parsed.data.usage?.prompt_tokens ?? 0,
      output_tokens: parsed.data.usage?.completion_tokens ?? 0,
    },
  };
}

/** OpenAI Chat Completions, or any OpenAI-compatible server (vLLM, Ollama, llama.cpp) by base URL. */
export function openAiChatClient(settings: AgentClientSettings): AgentModelClient {
  const client = createOpenAiSdk(settings);
  const maxTokens = chatMaxTokens(client, settings.maxTokens);
  return {
    protocol: 'chat',
    endpoint: client.baseURL,
    async turn(messages, tools, signal) {
      const body = {
        model: settings.model,
        messages: chatMessages(messages),
        // The schema shapes are built and checked in tool.ts; the SDK's type is the same shape.
        tools: tools as OpenAI.Chat.ChatCompletionTool[],
        temperature: settings.temperature,
        ...maxTokens,
      };
      return chatTurnOf(await client.chat.completions.create(body, signal ? { signal } : {}));
    },
    classify: (error) => classifySdkError(error, OpenAI, settings.now()),
  };
}
