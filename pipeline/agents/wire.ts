import { z } from 'zod';
import type { AgentReply, AgentTurnInput, PythonExecutorCall } from './policy.ts';

/** The three wire protocols the loopback agent speaks (and the harness's clients send). */
export type AgentProtocol = 'chat' | 'responses' | 'anthropic';

export const protocolPaths: Record<AgentProtocol, string> = {
  chat: '/v1/chat/completions',
  responses: '/v1/responses',
  anthropic: '/v1/messages',
};

const textPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const content = z.union([z.string(), z.array(textPart)]).nullish();

function textOf(value: z.infer<typeof content>): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return value.map((part) => part.text ?? '').join('');
}

const chatRequest = z.looseObject({
  messages: z.array(z.looseObject({ role: z.string(), content })),
  tools: z.array(z.looseObject({ function: z.looseObject({ name: z.string() }) })).optional(),
});

const responsesRequest = z.looseObject({
  input: z.union([
    z.string(),
    z.array(
      z.looseObject({
        type: z.string().optional(),
        role: z.string().optional(),
        content: content.optional(),
        output: z.string().optional(),
      }),
    ),
  ]),
  tools: z.array(z.looseObject({ name: z.string() })).optional(),
});

const anthropicBlock = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  content: content.optional(),
});
const anthropicRequest = z.looseObject({
  messages: z.array(
    z.looseObject({ role: z.string(), content: z.union([z.string(), z.array(anthropicBlock)]) }),
  ),
  tools: z.array(z.looseObject({ name: z.string() })).optional(),
});

/** The policy's view of a request: first user message, tool results in order, offered tools. */
export function decodeRequest(protocol: AgentProtocol, body: unknown): AgentTurnInput {
  if (protocol === 'chat') {
    const request = chatRequest.parse(body);
    return {
      question: textOf(request.messages.find((m) => m.role === 'user')?.content),
      toolResults: request.messages.filter((m) => m.role === 'tool').map((m) => textOf(m.content)),
      tools: (request.tools ?? []).map((tool) => tool.function.name),
    };
  }
  if (protocol === 'responses') {
    const request = responsesRequest.parse(body);
    const items =
      typeof request.input === 'string' ? [{ role: 'user', content: request.input }] : request.input;
    return {
      question: textOf(items.find((item) => item.role === 'user')?.content),
      toolResults: items
        .filter((item) => item.type === 'function_call_output')
        .map((item) => item.output ?? ''),
      tools: (request.tools ?? []).map((tool) => tool.name),
    };
  }
  const request = anthropicRequest.parse(body);
  const users = request.messages.filter((m) => m.role === 'user');
  const blocks = users.flatMap((m) => (typeof m.content === 'string' ? [] : m.content));
  const first = users[0]?.content;
  return {
    question:
      typeof first === 'string'
        ? first
        : (first ?? [])
            .filter((b) => b.type === 'text')
            .map((b) => b.text ?? '')
            .join(''),
    toolResults: blocks.filter((b) => b.type === 'tool_result').map((b) => textOf(b.content)),
    tools: (request.tools ?? []).map((tool) => tool.name),
  };
}

/** Plausible, deterministic token counts: about four characters per token. */
export function tokensOf(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

interface Encoded {
  text: string;
  call: PythonExecutorCall | undefined;
  args: string;
  callId: string;
  output: number;
  model: string;
  turn: number;
  inputTokens: number;
}

/** The policy's reply as the protocol's response body. `turn` numbers ids deterministically. */
export function encodeReply(
  protocol: AgentProtocol,
  reply: AgentReply,
  context: { model: string; turn: number; inputTokens: number },
): Record<string, unknown> {
  const text = reply.kind === 'answer' ? reply.text : (reply.text ?? '');
  const call = reply.kind === 'tool_call' ? reply.call : undefined;
  const args = call ? JSON.stringify(call) : '';
  const encoded: Encoded = {
    ...context,
    text,
    call,
    args,
    callId: `call_${context.turn}`,
    output: tokensOf(text + args),
  };
  if (protocol === 'chat') return encodeChat(encoded);
  if (protocol === 'responses') return encodeResponses(encoded);
  return encodeAnthropic(encoded);
}

function encodeChat({ text, call, args, callId, output, model, turn, inputTokens }: Encoded) {
  const toolCalls = call
    ? {
        tool_calls: [
          { id: callId, type: 'function', function: { name: 'python_executor', arguments: args } },
        ],
      }
    : {};
  return {
    id: `chatcmpl-${turn}`,
    object: 'chat.completion',
    created: 0,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text || null, refusal: null, ...toolCalls },
        finish_reason: call ? 'tool_calls' : 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: inputTokens, completion_tokens: output, total_tokens: inputTokens + output },
  };
}

function encodeResponses({ text, call, args, callId, output, model, turn, inputTokens }: Encoded) {
  const items: unknown[] = [];
  if (text) {
    items.push({
      type: 'message',
      id: `msg_${turn}`,
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text, annotations: [] }],
    });
  }
  if (call) {
    items.push({
      type: 'function_call',
      id: `fc_${turn}`,
      call_id: callId,
      name: 'python_executor',
      arguments: args,
      status: 'completed',
    });
  }
  return {
    id: `resp_${turn}`,
    object: 'response',
    created_at: 0,
    status: 'completed',
    model,
    output: items,
    usage: {
      input_tokens: inputTokens,
      output_tokens: output,
      total_tokens: inputTokens + output,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens_details: { reasoning_tokens: 0 },
    },
  };
}

function encodeAnthropic({ text, call, output, model, turn, inputTokens }: Encoded) {
  const blocks: unknown[] = [];
  if (text) blocks.push({ type: 'text', text });
  if (call) blocks.push({ type: 'tool_use', id: `toolu_${turn}`, name: 'python_executor', input: call });
  return {
    id: `msg_${turn}`,
    type: 'message',
    role: 'assistant',
    model,
    content: blocks,
    stop_reason: call ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: inputTokens, output_tokens: output },
  };
}
