import {
  anthropicError,
  startAnthropicServer,
  textMessage,
  toolMessage,
} from '../llm/servers/anthropic-fake.ts';
import type { RecordedRequest, Reply } from '../llm/servers/loopback.ts';
import { apiError, type BatchAnswer, okChat, startOpenAiServer } from '../llm/servers/openai-fake.ts';
import { type Decision, decide, type FaultScript } from './policy.ts';
import { ANTHROPIC_KEY, OPENAI_KEY } from './support.ts';

export type ProviderName = 'openai' | 'anthropic';

/** Long enough to outlast llm.timeout_ms in these tests, short enough to never stall them. */
const HANG_MS = 10_000;

export interface PolicyServer {
  provider: ProviderName;
  /** The value for llm.<provider>.base_url. */
  baseUrl: string;
  /** Synchronous completion calls received (including failed and timed-out ones). */
  calls(): number;
  /** Batches created at the server. */
  submissions(): number;
  close(): Promise<void>;
}

interface ChatBody {
  messages?: { role: string; content: unknown }[];
  response_format?: { json_schema?: { name?: string } };
  tool_choice?: { name?: string };
}

/** The first user message (the dataset brief) and the schema name the request asks for. */
function promptOf(body: ChatBody): { template: string; prompt: string } {
  const first = body.messages?.find((message) => message.role === 'user')?.content;
  const template = body.response_format?.json_schema?.name ?? body.tool_choice?.name ?? '';
  return { template, prompt: typeof first === 'string' ? first : JSON.stringify(first) };
}

function reply(provider: ProviderName, decision: Decision, template: string): Reply {
  if (decision.kind === 'hang') return { hangMs: HANG_MS, json: {} };
  if (decision.kind === 'html') {
    return { text: '<!DOCTYPE html><html>Proxy sign-in</html>', headers: { 'content-type': 'text/html' } };
  }
  if (decision.kind === 'status') {
    const headers: Record<string, string> =
      decision.retryAfterSeconds === undefined ? {} : { 'retry-after': String(decision.retryAfterSeconds) };
    if (provider === 'openai') return apiError(decision.status, `scripted ${decision.status}`, headers);
    const type = decision.status === 429 ? 'rate_limit_error' : 'api_error';
    return anthropicError(decision.status, type, `scripted ${decision.status}`, headers);
  }
  if (provider === 'openai') return okChat(decision.text);
  try {
    return { json: toolMessage(template, JSON.parse(decision.text)) };
  } catch {
    // Not JSON: the model answered in prose instead of calling the tool.
    return { json: textMessage(decision.text) };
  }
}

/**
 * A loopback OpenAI or Anthropic server answering with the policy and the fault script;
 * `batchFails` picks batch requests (by their prompt) that end as per-request errors.
 */
export async function startPolicyServer(
  provider: ProviderName,
  script: FaultScript,
  options: {
    pollsBeforeDone?: number;
    holdFirstMs?: number;
    batchFails?: (template: string, prompt: string) => boolean;
  } = {},
): Promise<PolicyServer> {
  const batchAnswer = (body: unknown): BatchAnswer => {
    const { template, prompt } = promptOf(body as ChatBody);
    if (options.batchFails?.(template, prompt)) return { error: 'scripted batch failure: overloaded' };
    const decision = decide(script, template, prompt);
    return decision.kind === 'answer' ? { content: decision.text } : { error: 'scripted batch fault' };
  };
  const handle = (request: RecordedRequest) => {
    // Like the real APIs: no answer without the key (this Anthropic SDK sends it as a Bearer
    // token too, older ones as x-api-key).
    const expected = provider === 'openai' ? OPENAI_KEY : ANTHROPIC_KEY;
    const sent = [request.headers.authorization, `Bearer ${request.headers['x-api-key']}`];
    if (!sent.includes(`Bearer ${expected}`)) {
      return provider === 'openai'
        ? apiError(401, 'Incorrect API key provided')
        : anthropicError(401, 'authentication_error', 'invalid x-api-key');
    }
    const { template, prompt } = promptOf(request.json() as ChatBody);
    return reply(provider, decide(script, template, prompt), template);
  };
  const settings = {
    batchAnswer,
    ...(options.pollsBeforeDone ? { pollsBeforeDone: options.pollsBeforeDone } : {}),
    ...(options.holdFirstMs ? { holdFirstMs: options.holdFirstMs } : {}),
  };
  if (provider === 'openai') {
    const server = await startOpenAiServer(settings);
    server.onChat = handle;
    return {
      provider,
      baseUrl: `${server.url}/v1`,
      calls: () => server.hits('POST /v1/chat/completions'),
      submissions: () => server.hits('POST /v1/batches'),
      close: server.close,
    };
  }
  const server = await startAnthropicServer(settings);
  server.onMessage = handle;
  return {
    provider,
    baseUrl: server.url,
    calls: () => server.hits('POST /v1/messages'),
    submissions: () => server.hits('POST /v1/messages/batches'),
    close: server.close,
  };
}
