import { z } from 'zod';
import { TOOL_NAME, type ToolSettings, toolDescription, toolParameters } from '../eval/tool.ts';
import type { TranscriptMessage } from '../eval/transcript.ts';
import type { Family, Variant } from '../score/report.ts';

/**
 * One SFT example as HF datasets and TRL's SFTTrainer read conversational tool-use data:
 * OpenAI-style `messages` (assistant `tool_calls` with `function.arguments` as an object, as
 * chat templates expect; `role: "tool"` results with `tool_call_id`), a `tools` column of JSON
 * schemas, and the task columns. Key order is fixed so the JSONL bytes are deterministic.
 */
export interface ChatExample {
  task: string;
  variant: Variant;
  family: Family;
  sample: number;
  score: number;
  messages: ChatMessage[];
  tools: ChatTool[];
}

export type ChatMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string; tool_calls?: ChatToolCall[] }
  | { role: 'tool'; tool_call_id: string; name: string; content: string };

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: Record<string, unknown> };
}

export interface ChatTool {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/** The python_executor tool as a JSON schema in the OpenAI function shape. */
export function chatTools(settings: ToolSettings): ChatTool[] {
  return [
    {
      type: 'function',
      function: { name: TOOL_NAME, description: toolDescription(settings), parameters: toolParameters() },
    },
  ];
}

const argumentsObject = z.record(z.string(), z.unknown());

/** Arguments as the model wrote them, parsed; text that is no JSON object is kept as `{_raw}`. */
function parseArguments(text: string): Record<string, unknown> {
  try {
    const parsed = argumentsObject.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // not JSON: kept raw below
  }
  return { _raw: text };
}

export function toChatMessages(transcript: readonly TranscriptMessage[]): ChatMessage[] {
  return transcript.map((message): ChatMessage => {
    if (message.role === 'assistant') {
      const base = { role: 'assistant' as const, content: message.content };
      if (message.tool_calls.length === 0) return base;
      return {
        ...base,
        tool_calls: message.tool_calls.map((call) => ({
          id: call.id,
          type: 'function' as const,
          function: { name: call.name, arguments: parseArguments(call.arguments) },
        })),
      };
    }
    if (message.role === 'tool') {
      return {
        role: 'tool',
        tool_call_id: message.tool_call_id,
        name: message.name,
        content: message.content,
      };
    }
    return { role: message.role, content: message.content };
  });
}

const toolCall = z.strictObject({ id: z.string(), name: z.string(), arguments: z.string() });
export const transcriptLineSchema = z.discriminatedUnion('role', [
  z.strictObject({ role: z.literal('system'), content: z.string() }),
  z.strictObject({ role: z.literal('user'), content: z.string() }),
  z.strictObject({ role: z.literal('assistant'), content: z.string(), tool_calls: z.array(toolCall) }),
  z.strictObject({
    role: z.literal('tool'),
    tool_call_id: z.string(),
    name: z.string(),
    content: z.string(),
  }),
]);

/** The messages of a run's `.trajectory.jsonl` (first line: the provider-shaped tools). */
export function parseTrajectory(text: string, where: string): TranscriptMessage[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return lines.slice(1).map((line, i) => {
    const parsed = transcriptLineSchema.safeParse(JSON.parse(line));
    if (!parsed.success) {
      throw new Error(
        `${where}: line ${i + 2} is not a transcript message: ${parsed.error.issues[0]?.message}`,
      );
    }
    return parsed.data;
  });
}
