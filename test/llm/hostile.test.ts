import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InfraError } from '../../pipeline/errors.ts';
import { LlmCallError } from '../../pipeline/llm/errors.ts';
import { goodAnswer, makeClient, requestFor, type TestClient } from './helpers.ts';
import { type AnthropicFake, startAnthropicServer, toolMessage } from './servers/anthropic-fake.ts';
import { chatCompletion, type OpenAiFake, okChat, startOpenAiServer } from './servers/openai-fake.ts';

const CHAT = 'POST /v1/chat/completions';
const MESSAGES = 'POST /v1/messages';
const MiB = 1024 ** 2;

/** A host no resolver accepts (a label over 63 octets): refused locally, no query leaves the machine. */
const unresolvable = `${'a'.repeat(70)}.invalid`;

async function failure(promise: Promise<unknown>): Promise<LlmCallError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(LlmCallError);
  return error as LlmCallError;
}

describe('hostile answers through the OpenAI SDK', () => {
  let server: OpenAiFake;
  let t: TestClient;

  beforeEach(async () => {
    server = await startOpenAiServer();
    t = await makeClient('openai', server.url, { retries: { max_attempts: 3 }, max_answer_bytes: 64 * 1024 });
  });
  afterEach(async () => {
    await server.close();
    await t.cleanup();
  });

  it('refuses an answer past llm.max_answer_bytes, announced or endless, and stores nothing', async () => {
    // 8 MB of JSON with its Content-Length, then a body that never ends.
    server.chat.push({
      json: chatCompletion(JSON.stringify({ ...goodAnswer, target: 'x'.repeat(8 * MiB) })),
    });
    const announced = await failure(t.client.complete(requestFor('a_1')));
    server.chat.push({ text: '{"choices": [{"message": {"content": "', endless: 'x' });
    const endless = await failure(t.client.complete(requestFor('a_2')));
    for (const error of [announced, endless]) {
      expect(error).toMatchObject({ kind: 'too_large', reason: 'llm_answer_too_large', attempts: 1 });
      expect(error.message).toMatch(/more than llm.max_answer_bytes \(65536 bytes\)/);
      expect(error.message.length).toBeLessThan(1000);
    }
    expect(server.hits(CHAT)).toBe(2);
    expect(await t.cacheFiles()).toEqual([]);
    // The endless body was dropped near the cap (socket buffers aside), not read on.
    expect(server.endlessBytesSent()).toBeLessThan(64 * MiB);
    // Within the cap, the same client answers as usual.
    server.chat.push(okChat(JSON.stringify(goodAnswer)));
    await expect(t.client.complete(requestFor('a_3'))).resolves.toMatchObject({ value: goodAnswer });
  });

  it('does not retry a 200 whose body is HTML or broken JSON: llm_bad_response', async () => {
    server.chat.push({
      text: '<!DOCTYPE html><html>Log in to the proxy</html>',
      headers: { 'content-type': 'text/html' },
    });
    const html = await failure(t.client.complete(requestFor('a_1')));
    server.chat.push({
      text: '{"id": "chatcmpl-1", "choices": NaN}',
      headers: { 'content-type': 'application/json' },
    });
    const nan = await failure(t.client.complete(requestFor('a_2')));
    for (const error of [html, nan]) {
      expect(error).toMatchObject({ kind: 'bad_response', reason: 'llm_bad_response', attempts: 1 });
    }
    expect(server.hits(CHAT)).toBe(2);
    expect(t.delays).toEqual([]);
  });

  it('retries 429 storms with Retry-After and timeouts, then names them; never a 409', async () => {
    for (let i = 0; i < 3; i += 1) {
      server.chat.push({
        status: 429,
        headers: { 'retry-after': '4' },
        json: { error: { message: 'slow down' } },
      });
    }
    expect(await failure(t.client.complete(requestFor('a_1')))).toMatchObject({
      kind: 'rate_limit',
      reason: 'llm_rate_limited',
      attempts: 3,
    });
    expect(t.delays).toEqual([4000, 4000]);

    const fast = await makeClient('openai', server.url, { timeout_ms: 100, retries: { max_attempts: 2 } });
    try {
      for (let i = 0; i < 2; i += 1)
        server.chat.push({ ...okChat(JSON.stringify(goodAnswer)), hangMs: 2000 });
      expect(await failure(fast.client.complete(requestFor('a_2')))).toMatchObject({
        kind: 'timeout',
        reason: 'llm_timeout',
        attempts: 2,
      });
    } finally {
      await fast.cleanup();
    }

    server.chat.push({ status: 409, json: { error: { message: 'conflict' } } });
    expect(await failure(t.client.complete(requestFor('a_3')))).toMatchObject({
      kind: 'bad_request',
      attempts: 1,
    });
    expect(server.hits(CHAT)).toBe(3 + 2 + 1);
  });

  it('ends an answer whose body trickles past llm.timeout_ms as a timeout, retried then named', async () => {
    const fast = await makeClient('openai', server.url, { timeout_ms: 300, retries: { max_attempts: 2 } });
    try {
      for (let i = 0; i < 2; i += 1) {
        server.chat.push({ text: '{"choices": [{"message": {"content": "', endless: ' ', trickleMs: 20 });
      }
      const error = await failure(fast.client.complete(requestFor('a_1')));
      expect(error).toMatchObject({ kind: 'timeout', reason: 'llm_timeout', attempts: 2 });
      expect(error.message).toContain('did not arrive within llm.timeout_ms (300 ms)');
      expect(server.hits(CHAT)).toBe(2);
      expect(await fast.cacheFiles()).toEqual([]);
    } finally {
      await fast.cleanup();
    }
  });

  it('fails at once with one line naming the host when it does not resolve', async () => {
    const dns = await makeClient('openai', `http://${unresolvable}`);
    try {
      const error = await dns.client.complete(requestFor('a_1')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InfraError);
      const message = (error as Error).message;
      expect(message).toMatch(
        new RegExp(`^openai: cannot resolve host ${unresolvable} \\((ENOTFOUND|EAI_[A-Z]+)\\)`),
      );
      expect(message).toContain('OPENAI_BASE_URL');
      expect(message.split('\n')).toHaveLength(1);
      expect(dns.delays).toEqual([]);
    } finally {
      await dns.cleanup();
    }
  });
});

describe('hostile answers through the Anthropic SDK', () => {
  let server: AnthropicFake;
  let t: TestClient;

  beforeEach(async () => {
    server = await startAnthropicServer();
    t = await makeClient('anthropic', server.url, {
      retries: { max_attempts: 3 },
      max_answer_bytes: 64 * 1024,
    });
  });
  afterEach(async () => {
    await server.close();
    await t.cleanup();
  });

  it('refuses oversized and endless answers, and HTML, without retrying', async () => {
    server.messages.push({ json: toolMessage('task_draft', { ...goodAnswer, target: 'y'.repeat(2 * MiB) }) });
    server.messages.push({ text: '{"content": [{"type": "text", "text": "', endless: 'y' });
    server.messages.push({
      text: '<html>Bad gateway, but 200</html>',
      headers: { 'content-type': 'text/html' },
    });
    const reasons = [];
    for (const dataset of ['a_1', 'a_2', 'a_3']) {
      const error = await failure(t.client.complete(requestFor(dataset)));
      expect(error.attempts).toBe(1);
      reasons.push(error.reason);
    }
    expect(reasons).toEqual(['llm_answer_too_large', 'llm_answer_too_large', 'llm_bad_response']);
    expect(server.hits(MESSAGES)).toBe(3);
    expect(await t.cacheFiles()).toEqual([]);
  });
});
