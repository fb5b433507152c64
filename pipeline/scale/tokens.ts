import type { LlmConfig } from '../config/sections/llm.ts';
import type { ChatMessage, TokenUsage } from '../llm/types.ts';

/** English-ish prompts average about four characters a token across the providers we use. */
export const CHARS_PER_TOKEN = 4;
/**
 * Answer tokens assumed per design call: the answers are short JSON objects (a label, a column
 * list), well under llm.max_tokens; capped by it for tiny configs.
 */
export const ANSWER_TOKENS = 400;

/** A pre-call estimate of one request's tokens, from its messages' length. */
export function estimateTokens(messages: readonly ChatMessage[], config: LlmConfig): TokenUsage {
  const chars = messages.reduce((sum, message) => sum + message.content.length, 0);
  return {
    input_tokens: Math.ceil(chars / CHARS_PER_TOKEN),
    output_tokens: Math.min(ANSWER_TOKENS, config.max_tokens),
  };
}
