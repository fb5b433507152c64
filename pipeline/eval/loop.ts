import type { BlockedAttempt, Executor } from '../sandbox/contract.ts';
import { executeToolCall, type ToolLimits } from './execute-tool.ts';
import type { EvalModel } from './model/cached.ts';
import type { TranscriptMessage } from './transcript.ts';

export interface AgentRunResult {
  messages: TranscriptMessage[];
  /** How the conversation ended: an answer without tool calls, or the turn limit. */
  ended: 'answered' | 'turn_limit';
  turns: number;
  tool_calls: number;
  tool_errors: number;
  sandbox_errors: number;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  /** Model calls answered from the cache. */
  cached_calls: number;
  blocked_attempts: BlockedAttempt[];
}

/**
 * The agent loop of the published protocol: the question as the user message; each turn one
 * model call, then every python_executor call of its answer run in the sandbox; stop on an
 * answer without tool calls or after `maxTurns` model calls.
 */
export async function runAgentLoop(options: {
  model: EvalModel;
  executor: Executor;
  workDir: string;
  question: string;
  task: string;
  repeat: number;
  maxTurns: number;
  limits: ToolLimits;
  /** Called after each model call with what it cost (the --max-cost-usd tally). */
  onCost?: (usd: number) => void;
}): Promise<AgentRunResult> {
  const messages: TranscriptMessage[] = [{ role: 'user', content: options.question }];
  const result: AgentRunResult = {
    messages,
    ended: 'turn_limit',
    turns: 0,
    tool_calls: 0,
    tool_errors: 0,
    sandbox_errors: 0,
    tokens_in: 0,
    tokens_out: 0,
    cost_usd: 0,
    cached_calls: 0,
    blocked_attempts: [],
  };
  while (result.turns < options.maxTurns) {
    const call = await options.model.call(messages, options.repeat, options.task);
    result.turns += 1;
    result.tokens_in += call.turn.usage.input_tokens;
    result.tokens_out += call.turn.usage.output_tokens;
    result.cost_usd = Math.round((result.cost_usd + call.cost_usd) * 1e8) / 1e8;
    if (call.cached) result.cached_calls += 1;
    options.onCost?.(call.cost_usd);
    messages.push({ role: 'assistant', content: call.turn.content, tool_calls: call.turn.tool_calls });
    if (call.turn.tool_calls.length === 0) {
      result.ended = 'answered';
      break;
    }
    for (const toolCall of call.turn.tool_calls) {
      const outcome = await executeToolCall(toolCall, options.workDir, options.executor, options.limits);
      result.tool_calls += 1;
      if (outcome.error) result.tool_errors += 1;
      if (outcome.sandboxError) result.sandbox_errors += 1;
      result.blocked_attempts.push(...outcome.blocked);
      messages.push({
        role: 'tool',
        tool_call_id: toolCall.id,
        name: toolCall.name,
        content: outcome.content,
      });
    }
  }
  return result;
}
