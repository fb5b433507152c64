import type { LlmConfig } from '../config/sections/llm.ts';
import { estimateCost } from '../llm/ledger.ts';
import { CHARS_PER_TOKEN } from '../scale/tokens.ts';
import type { PlannedRun } from './index.ts';

/** Tokens assumed per agent answer (code plus a short explanation). */
export const EVAL_ANSWER_TOKENS = 600;
/** Tokens assumed per tool result (stdout and stderr of one call). */
export const EVAL_TOOL_RESULT_TOKENS = 400;

export interface EvalEstimate {
  runs: number;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  /** null when llm.prices has no entry for the model. */
  cost_usd: number | null;
}

/**
 * A worst-case estimate without any call: every run uses all its turns, each answer adds
 * EVAL_ANSWER_TOKENS and each tool result EVAL_TOOL_RESULT_TOKENS to the conversation that
 * every later call sends again.
 */
export function estimateEval(
  runs: readonly PlannedRun[],
  tools: readonly unknown[],
  turns: number,
  model: string,
  llm: LlmConfig,
): EvalEstimate {
  const toolTokens = Math.ceil(JSON.stringify(tools).length / CHARS_PER_TOKEN);
  let input = 0;
  let output = 0;
  for (const run of runs) {
    const question = Math.ceil(run.entry.questions[run.variant].length / CHARS_PER_TOKEN);
    for (let turn = 0; turn < turns; turn++) {
      input += toolTokens + question + turn * (EVAL_ANSWER_TOKENS + EVAL_TOOL_RESULT_TOKENS);
      output += Math.min(EVAL_ANSWER_TOKENS, llm.max_tokens);
    }
  }
  const usage = { input_tokens: input, output_tokens: output };
  return {
    runs: runs.length,
    calls: runs.length * turns,
    ...usage,
    cost_usd: estimateCost(llm.prices, model, usage) ?? null,
  };
}
