import type { Config } from '../config/schema.ts';
import { UserError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { CachedLlmClient } from './client.ts';
import { llmEndpoint } from './endpoint.ts';
import type { Provider, ProviderSettings } from './provider.ts';
import { anthropicProvider } from './providers/anthropic.ts';
import { openAiProvider } from './providers/openai.ts';
import type { ProviderName } from './request.ts';
import { abortableSleep, type RetryDeps } from './retry.ts';

/** The parts of a Context the client needs (a Context fits as is). */
export interface LlmClientOptions {
  config: Config;
  paths: { processed: string };
  logger: Logger;
  signal?: AbortSignal;
  /** Defaults to config.draft.provider. */
  provider?: ProviderName;
  /** Where keys and base URLs are read; defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Tests replace waiting and jitter; defaults are real time and Math.random. */
  retry?: Partial<RetryDeps>;
}

const providers = {
  openai: { keyVariable: 'OPENAI_API_KEY', baseUrlVariable: 'OPENAI_BASE_URL', make: openAiProvider },
  anthropic: {
    keyVariable: 'ANTHROPIC_API_KEY',
    baseUrlVariable: 'ANTHROPIC_BASE_URL',
    make: anthropicProvider,
  },
} as const;

/** The API key of a provider from the environment, or a UserError naming the variable to set. */
export function requireLlmKey(
  name: ProviderName,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const spec = providers[name];
  const apiKey = env[spec.keyVariable]?.trim();
  if (!apiKey) {
    throw new UserError(
      `${spec.keyVariable} is not set, and draft.provider is ${name}. Export it in the environment ` +
        '(keys are never read from config files); a local OpenAI-compatible server accepts any non-empty value.',
    );
  }
  return apiKey;
}

/**
 * Checks, before any stage runs, the key each stage about to run will need: draft (and build's
 * question rewrite) with an LLM provider. The offline drafter needs none.
 */
export function checkLlmCredentials(
  config: Config,
  stages: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): void {
  const name = config.draft.provider;
  if (name === 'offline') return;
  const rewrite = config.build.rewrite.enabled && stages.includes('build');
  if (stages.includes('draft') || rewrite) requireLlmKey(name, env);
}

export function createLlmClient(options: LlmClientOptions): CachedLlmClient {
  const { config, logger } = options;
  const name = options.provider ?? config.draft.provider;
  if (name === 'offline') {
    throw new UserError(
      'draft.provider is offline: there is no LLM client to create (use the offline drafter).',
    );
  }
  const env = options.env ?? process.env;
  const spec = providers[name];
  const apiKey = requireLlmKey(name, env);
  logger.addSecret(apiKey);
  const section = config.llm[name];
  const retry = retryDepsOf(options.retry, (line) => logger.debug(`${name}: ${line}`));
  const settings: ProviderSettings = {
    apiKey,
    baseURL:
      section.base_url ?? baseUrlFromEnv(spec.baseUrlVariable, env[spec.baseUrlVariable], spec.keyVariable),
    model: config.llm.model ?? section.model,
    maxTokens: config.llm.max_tokens,
    temperature: config.llm.temperature,
    timeoutMs: config.llm.timeout_ms,
    maxAnswerBytes: config.llm.max_answer_bytes,
    completionWindow: config.llm.batch.completion_window,
    anthropicMode: config.llm.anthropic.structured_output,
    logger,
    now: retry.now,
  };
  const provider: Provider = spec.make(settings);
  return new CachedLlmClient({
    provider,
    config: config.llm,
    processedDir: options.paths.processed,
    logger,
    keyVariable: spec.keyVariable,
    baseUrlVariable: spec.baseUrlVariable,
    retry,
    signal: options.signal,
    endpoint: llmEndpoint(config, name, env),
  });
}

/**
 * The waiting, jitter and clock of a retry loop: real ones unless a test hands its own in; each
 * retry is told as one line (`<what>: <failure>, retrying in <ms> ms`) to `tell`.
 */
export function retryDepsOf(given: Partial<RetryDeps> | undefined, tell: (line: string) => void): RetryDeps {
  return {
    sleep: given?.sleep ?? abortableSleep,
    random: given?.random ?? Math.random,
    now: given?.now ?? Date.now,
    onRetry:
      given?.onRetry ??
      ((info) => tell(`${info.what}: ${info.failure.kind}, retrying in ${info.delayMs} ms`)),
  };
}

/**
 * A base URL from the environment is held to the rule of the config key llm.<provider>.base_url:
 * a URL without a user name or password (keys go in *_API_KEY; URLs end up in error messages).
 * The refusal names the variable, never its value.
 */
export function baseUrlFromEnv(
  variable: string,
  value: string | undefined,
  keyVariable: string,
): string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(
      `${variable} is not a URL (its value is not shown); set it to e.g. http://127.0.0.1:8000/v1 or unset it.`,
    );
  }
  if (url.username || url.password) {
    throw new UserError(
      `${variable} must not contain a user name or password (its value is not shown): put the key in ${keyVariable} and remove the user:password@ part.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(`${variable} must be an http:// or https:// URL (it is ${url.protocol}).`);
  }
  return text;
}
