import Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import { LlmBadResponse } from '../../llm/errors.ts';
import { anthropicMessageSchema } from '../../llm/providers/anthropic.ts';
import { classifySdkError } from '../../llm/retry.ts';
import { createAnthropicSdk } from '../../llm/sdk.ts';
import type { ModelTurn, TranscriptMessage } from '../transcript.ts';
import type { AgentClientSettings, AgentModelClient } from './types.ts';

function parsedInput(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value } : {};
  } catch {
    return {};
  }
}

/** Our transcript as Anthropic messages: tool results of one turn go in one user message. */
export function anthropicMessages(messages: readonly TranscriptMessage[]): {
  system: string;
  messages: Anthropic.MessageParam[];
} {
  const out: Anthropic.MessageParam[] = [];
  const system: string[] = [];
  for (const message of messages) {
    if (message.role === 'system') system.push(message.content);
    else if (message.role === 'user') out.push({ role: 'user', content: message.content });
    else if (message.role === 'assistant') {
      const blocks: Anthropic.ContentBlockParam[] = [];
      if (message.content) blocks.push({ type: 'text', text: message.content });
      for (const call of message.tool_calls) {
        blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: parsedInput(call.arguments) });
      }
      out.push({ role: 'assistant', content: blocks.length > 0 ? blocks : '' });
    } else {
      const block: Anthropic.ToolResultBlockParam = {
        type: 'tool_result',
        tool_use_id: message.tool_call_id,
        content: message.content,
      };
      const last = out.at(-1);
      if (last && last.role === 'user' && Array.isArray(last.content)) last.content.push(block);
      else out.push({ role: 'user', content: [block] });
    }
  }
  return { system: system.join('\n\n'), messages: out };
}

export function anthropicTurnOf(message: unknown): ModelTurn {
  const parsed = anthropicMessageSchema.safeParse(message);
  if (!parsed.success) throw new LlmBadResponse(`not an Anthropic message: ${z.prettifyError(parsed.error)}`);
  const blocks = parsed.data.content;
  return {
    content: blocks
      .filter((block) => block.type === 'text')
      .map((block) => block.text ?? '')
      .join(''),
    tool_calls: blocks
      .filter((block) => block.type === 'tool_use')
      .map((block) => ({
        id: block.id ?? '',
        name: block.name ?? '',
        arguments: JSON.stringify(block.input ?? {}),
      })),
    usage: { input_tokens: parsed.data.usage.input_tokens, output_tokens: parsed.data.usage.output_tokens },
  };
}

/** Anthropic Messages with tools. */
export function anthropicAgentClient(settings: AgentClientSettings): AgentModelClient {
  const client = createAnthropicSdk(settings);
  return {
    protocol: 'anthropic',
    endpoint: client.baseURL,
    async turn(messages, tools, signal) {
      const { system, messages: params } = anthropicMessages(messages);
      // temperature is not in this SDK's types but the API takes it (as the drafter sends it).
      const body = {
        model: settings.model,
        max_tokens: settings.maxTokens,
        temperature: settings.temperature,
        messages: params,
        // The schema shapes are built and checked in tool.ts; the SDK's type is the same shape.
        tools: tools as Anthropic.Tool[],
        ...(system ? { system } : {}),
      };
      const message = await client.messages.create(body, signal ? { signal } : {});
      return anthropicTurnOf(message);
    },
    classify: (error) => classifySdkError(error, Anthropic, settings.now()),
  };
}
