import { scriptedPolicy } from '../../agents/scripted/index.ts';
import { type AgentServer, startAgentServer } from '../../agents/server.ts';
import type { Config } from '../../config/schema.ts';
import { UserError } from '../../errors.ts';
import { baseUrlFromEnv, retryDepsOf } from '../../llm/create.ts';
import type { RetryDeps } from '../../llm/retry.ts';
import type { Logger } from '../../logger.ts';
import { type ToolSettings, toolSchemaFor } from '../tool.ts';
import { anthropicAgentClient } from './anthropic.ts';
import { EvalModel } from './cached.ts';
import { openAiChatClient } from './openai-chat.ts';
import { openAiResponsesClient } from './openai-responses.ts';
import type { AgentClientSettings, AgentModelClient } from './types.ts';

export const evalProviders = [
  'openai',
  'openai-responses',
  'anthropic',
  'openai-compatible',
  'scripted',
] as const;
export type EvalProvider = (typeof evalProviders)[number];

export interface ModelSpec {
  spec: string;
  provider: EvalProvider;
  model: string;
}

function isProvider(name: string): name is EvalProvider {
  return evalProviders.some((provider) => provider === name);
}

/** `<provider>:<model>`, e.g. `openai:gpt-4o`, `anthropic:claude-sonnet-4-6`, `scripted:reference`. */
export function parseModelSpec(text: string): ModelSpec {
  const colon = text.indexOf(':');
  const provider = colon > 0 ? text.slice(0, colon) : '';
  const model = colon > 0 ? text.slice(colon + 1).trim() : '';
  if (!isProvider(provider) || model === '') {
    throw new UserError(
      `--model ${JSON.stringify(text)}: expected <provider>:<model> with provider one of ${evalProviders.join(', ')}, e.g. openai:gpt-4o or scripted:reference.`,
    );
  }
  return { spec: `${provider}:${model}`, provider, model };
}

/** The results folder name of a model: the spec with anything but letters, digits, `.`, `-` made `_`. */
export function modelSlug(spec: ModelSpec): string {
  return `${spec.provider}_${spec.model}`.replace(/[^A-Za-z0-9.-]/g, '_');
}

const keyVariables = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' } as const;

export interface CreateModelOptions {
  spec: ModelSpec;
  config: Config;
  tool: ToolSettings;
  /** --base-url; wins over config and environment. */
  baseUrl?: string;
  releaseDir: string;
  cacheRoot: string;
  logger: Logger;
  env?: Readonly<Record<string, string | undefined>>;
  retry?: Partial<RetryDeps>;
  signal?: AbortSignal;
}

export interface CreatedModel {
  model: EvalModel;
  /** The in-process scripted agent, for `scripted:` models. */
  server: AgentServer | undefined;
  close(): Promise<void>;
}

/**
 * The agent under test: API keys come from the environment (never logged: registered as
 * secrets), base URLs from --base-url, the config (llm.<provider>.base_url) or the
 * environment as the drafter reads them; `scripted:<policy>` starts the loopback agent.
 */
export async function createEvalModel(options: CreateModelOptions): Promise<CreatedModel> {
  const { spec, config, logger } = options;
  const env = options.env ?? process.env;
  const family = spec.provider === 'anthropic' ? 'anthropic' : 'openai';
  const keyVariable = keyVariables[family];
  let server: AgentServer | undefined;
  let apiKey = env[keyVariable]?.trim() ?? '';
  let baseURL =
    options.baseUrl ??
    config.llm[family].base_url ??
    baseUrlFromEnv(
      family === 'openai' ? 'OPENAI_BASE_URL' : 'ANTHROPIC_BASE_URL',
      env[family === 'openai' ? 'OPENAI_BASE_URL' : 'ANTHROPIC_BASE_URL'],
      keyVariable,
    );
  if (spec.provider === 'scripted') {
    const policy = await scriptedPolicy(spec.model, options.releaseDir);
    server = await startAgentServer({ policy, protocol: 'chat', model: spec.spec });
    apiKey = 'scripted';
    baseURL = server.baseUrl;
  } else if (spec.provider === 'openai-compatible') {
    if (!baseURL) {
      throw new UserError(
        `--model ${spec.spec}: an OpenAI-compatible server needs its URL: pass --base-url http://host:port/v1 or set OPENAI_BASE_URL.`,
      );
    }
    apiKey ||= 'EMPTY';
  } else if (!apiKey) {
    throw new UserError(
      `${keyVariable} is not set, and --model is ${spec.spec}. Export it in the environment (keys are never read from config files or flags).`,
    );
  }
  logger.addSecret(apiKey);
  const retry = retryDepsOf(options.retry, (line) => logger.warn(`${spec.spec}: ${line}`));
  const settings: AgentClientSettings = {
    apiKey,
    baseURL,
    model: spec.model,
    maxTokens: config.llm.max_tokens,
    temperature: 0,
    timeoutMs: config.llm.timeout_ms,
    maxAnswerBytes: config.llm.max_answer_bytes,
    logger,
    now: retry.now,
  };
  const client = clientFor(spec.provider, settings);
  const model = new EvalModel({
    spec: spec.spec,
    provider: spec.provider,
    model: spec.model,
    client,
    tools: [toolSchemaFor(client.protocol, options.tool)],
    llm: { ...config.llm, temperature: 0 },
    cacheRoot: options.cacheRoot,
    logger,
    retry,
    keyVariable,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { model, server, close: async () => server?.close() };
}

function clientFor(provider: EvalProvider, settings: AgentClientSettings): AgentModelClient {
  if (provider === 'anthropic') return anthropicAgentClient(settings);
  if (provider === 'openai-responses') return openAiResponsesClient(settings);
  return openAiChatClient(settings);
}
