import type { Config } from '../config/schema.ts';
import type { LlmEndpoint } from './types.ts';

const baseUrlVariables = { openai: 'OPENAI_BASE_URL', anthropic: 'ANTHROPIC_BASE_URL' } as const;

/**
 * Where a provider's answers come from and how they are forced into shape: the configured base
 * URL, else its environment variable, and Anthropic's structured-output mode. Part of the draft
 * stage's inputs, so the client and the dry run must agree on it.
 */
export function llmEndpoint(
  config: Config,
  provider: 'openai' | 'anthropic',
  env: Readonly<Record<string, string | undefined>>,
): LlmEndpoint {
  return {
    base_url: config.llm[provider].base_url ?? (env[baseUrlVariables[provider]] || null),
    structured_output: provider === 'anthropic' ? config.llm.anthropic.structured_output : null,
  };
}
