/**
 * The conversation of one run in provider-neutral terms: what the harness sends, what it
 * keeps as the trajectory (one JSON line per message), and what the cache key hashes.
 */
export interface ToolCall {
  /** The provider's id of the call (echoed back with its result). */
  id: string;
  name: string;
  /** The arguments as the model wrote them: JSON text, validated by the harness. */
  arguments: string;
}

export type TranscriptMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; tool_calls: ToolCall[] }
  | { role: 'tool'; tool_call_id: string; name: string; content: string };

/** One model answer: its text and tool calls, and what it cost in tokens. */
export interface ModelTurn {
  content: string;
  tool_calls: ToolCall[];
  usage: { input_tokens: number; output_tokens: number };
}
