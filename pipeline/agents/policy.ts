/**
 * The seam between the evaluation harness and the scripted agents used in tests and the demo.
 * A policy decides an agent's next turn from the conversation so far, in protocol-neutral
 * terms; the loopback agent server (agents/server.ts) speaks OpenAI Chat Completions, OpenAI
 * Responses or Anthropic Messages on the wire and translates to and from these shapes.
 */

/** The arguments of the published `python_executor` tool. */
export interface PythonExecutorCall {
  code: string;
  files_to_load: string[];
  files_to_save: string[];
}

/** What a policy sees: the task's question (the first user message) and every tool result. */
export interface AgentTurnInput {
  question: string;
  /** The tool results so far, oldest first, as the harness sent them (stdout and stderr text). */
  toolResults: string[];
  /** The tool names the request offered (the harness offers `python_executor`). */
  tools: string[];
}

export type AgentReply =
  | { kind: 'tool_call'; call: PythonExecutorCall; text?: string }
  | { kind: 'answer'; text: string };

export type AgentPolicy = (input: AgentTurnInput) => AgentReply;
