import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LlmCallError, LlmInvalidResponse } from '../../pipeline/llm/errors.ts';
import { ANTHROPIC_KEY, goodAnswer, makeClient, requestFor, type TestClient } from './helpers.ts';
import {
  type AnthropicFake,
  anthropicError,
  startAnthropicServer,
  textMessage,
  toolMessage,
} from './servers/anthropic-fake.ts';

const MESSAGES = 'POST /v1/messages';

describe('Anthropic provider through the official SDK', () => {
  let server: AnthropicFake;
  let t: TestClient;

  beforeEach(async () => {
    server = await startAnthropicServer();
    t = await makeClient('anthropic', server.url, { retries: { max_attempts: 3 } });
  });
  afterEach(async () => {
    await server.close();
    await t.cleanup();
  });

  it('forces one tool call with the schema as input_schema and reads its input', async () => {
    server.messages.push({ json: toolMessage('task_draft', goodAnswer) });
    const result = await t.client.complete(requestFor('acme_houses'));
    expect(result).toMatchObject({
      value: goodAnswer,
      cached: false,
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
    });
    expect(result.usage).toEqual({ input_tokens: 2000, output_tokens: 400 });
    // claude-sonnet-4-6: 2000 * 3 / 1e6 + 400 * 15 / 1e6
    expect(result.cost_usd).toBeCloseTo(0.012, 10);

    const sent = server.requests[0]!;
    // SDK versions differ on the header (x-api-key or a bearer token); the key goes in one of them.
    expect([sent.headers['x-api-key'], sent.headers.authorization]).toContainEqual(
      expect.stringContaining(ANTHROPIC_KEY),
    );
    expect(sent.json()).toMatchObject({
      system: expect.stringContaining('data-science'),
      messages: [{ role: 'user', content: expect.stringContaining('acme_houses') }],
      tool_choice: { type: 'tool', name: 'task_draft' },
      tools: [
        { name: 'task_draft', input_schema: { type: 'object', required: ['target', 'task', 'features'] } },
      ],
      max_tokens: 4096,
    });
    expect(sent.json()).not.toHaveProperty('messages.1');
  });

  it('replays the cached answer without a call', async () => {
    server.messages.push({ json: toolMessage('task_draft', goodAnswer) });
    await t.client.complete(requestFor('acme_houses'));
    const second = await t.again().complete(requestFor('acme_houses'));
    expect(second).toMatchObject({ value: goodAnswer, cached: true });
    expect(server.hits(MESSAGES)).toBe(1);
  });

  it('sends output_config.format in json_schema mode and parses the text answer', async () => {
    const json = await makeClient('anthropic', server.url, {
      anthropic: { structured_output: 'json_schema' },
    });
    try {
      server.messages.push({ json: textMessage(JSON.stringify(goodAnswer)) });
      const result = await json.client.complete(requestFor('acme_houses'));
      expect(result.value).toEqual(goodAnswer);
      const body = server.requests[0]!.json();
      expect(body).not.toHaveProperty('tools');
      expect(body).toMatchObject({
        output_config: { format: { type: 'json_schema', schema: { type: 'object' } } },
      });
    } finally {
      await json.cleanup();
    }
  });

  it('raises LlmInvalidResponse when the model answers in prose or with a wrong type', async () => {
    server.messages.push({ json: textMessage('Here is my design: predict price.') });
    const prose = await t.client.complete(requestFor('a_b')).catch((e: unknown) => e);
    expect(prose).toBeInstanceOf(LlmInvalidResponse);
    expect((prose as LlmInvalidResponse).rawText).toBe('Here is my design: predict price.');

    server.messages.push({ json: toolMessage('task_draft', { ...goodAnswer, task: 'clustering' }) });
    const wrong = await t.client.complete(requestFor('c_d')).catch((e: unknown) => e);
    expect((wrong as LlmInvalidResponse).issues).toEqual([expect.stringMatching(/^task: /)]);
    expect(server.hits(MESSAGES)).toBe(2);
  });

  it('retries 429 (retry-after) and 529 overloaded, then gives up on repeated 500s', async () => {
    server.messages.push(
      anthropicError(429, 'rate_limit_error', 'Number of requests exceeded', { 'retry-after': '3' }),
    );
    server.messages.push(anthropicError(529, 'overloaded_error', 'Overloaded'));
    server.messages.push({ json: toolMessage('task_draft', goodAnswer) });
    await expect(t.client.complete(requestFor('a_b'))).resolves.toMatchObject({ value: goodAnswer });
    expect(t.delays).toEqual([3000, 1500]);

    for (let i = 0; i < 3; i += 1)
      server.messages.push(anthropicError(500, 'api_error', 'Internal server error'));
    const error = await t.client.complete(requestFor('c_d')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmCallError);
    expect(error).toMatchObject({ kind: 'server', attempts: 3 });
    expect(server.hits(MESSAGES)).toBe(6);
  });

  it('retries a timed-out request', async () => {
    const fast = await makeClient('anthropic', server.url, { timeout_ms: 150 });
    try {
      server.messages.push({ json: toolMessage('task_draft', goodAnswer), hangMs: 3000 });
      server.messages.push({ json: toolMessage('task_draft', goodAnswer) });
      await expect(fast.client.complete(requestFor('a_b'))).resolves.toMatchObject({ value: goodAnswer });
      expect(server.hits(MESSAGES)).toBe(2);
    } finally {
      await fast.cleanup();
    }
  });

  it('names ANTHROPIC_API_KEY when it is missing', async () => {
    await expect(makeClient('anthropic', server.url, {}, { OPENAI_API_KEY: 'x' })).rejects.toThrow(
      /ANTHROPIC_API_KEY is not set/,
    );
  });
});
