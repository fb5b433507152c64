import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InfraError, UserError } from '../../pipeline/errors.ts';
import { LlmCallError, LlmInvalidResponse } from '../../pipeline/llm/errors.ts';
import { goodAnswer, makeClient, OPENAI_KEY, requestFor, type TestClient } from './helpers.ts';
import { apiError, type OpenAiFake, okChat, startOpenAiServer } from './servers/openai-fake.ts';

const CHAT = 'POST /v1/chat/completions';

describe('OpenAI provider through the official SDK', () => {
  let server: OpenAiFake;
  let t: TestClient;

  beforeEach(async () => {
    server = await startOpenAiServer();
    t = await makeClient('openai', server.url, { retries: { max_attempts: 3 } });
  });
  afterEach(async () => {
    await server.close();
    await t.cleanup();
  });

  it('sends the schema as response_format, validates the answer, prices it and caches it', async () => {
    server.chat.push(okChat(JSON.stringify(goodAnswer)));
    const result = await t.client.complete(requestFor('acme_houses'));
    expect(result.value).toEqual(goodAnswer);
    expect(result.cached).toBe(false);
    expect(result.usage).toEqual({ input_tokens: 1200, output_tokens: 300 });
    // gpt-4o-mini: 1200 * 0.15 / 1e6 + 300 * 0.6 / 1e6
    expect(result.cost_usd).toBeCloseTo(0.00036, 10);

    const sent = server.requests[0]!;
    expect(sent.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(sent.json()).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0,
      max_tokens: 4096,
      messages: [{ role: 'system', content: expect.stringContaining('data-science') }, { role: 'user' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'task_draft',
          strict: true,
          schema: { required: ['target', 'task', 'features'] },
        },
      },
    });
    expect(sent.body.toString('utf8')).not.toContain('$schema');

    const files = await t.cacheFiles();
    expect(files).toEqual([`${result.request_hash}.json`]);
    expect(await t.readAll('_llm_cache')).not.toContain(OPENAI_KEY);
  });

  it('replays from the cache: a rerun with a new client makes zero provider calls', async () => {
    server.chat.push(okChat(JSON.stringify(goodAnswer)));
    const first = await t.client.complete(requestFor('acme_houses'));
    const rerun = t.again();
    const second = await rerun.complete(requestFor('acme_houses'));
    expect(server.hits(CHAT)).toBe(1);
    expect(second).toMatchObject({
      value: goodAnswer,
      cached: true,
      cost_usd: 0,
      request_hash: first.request_hash,
    });
    expect(rerun.ledger.summarize().total).toMatchObject({
      calls: 1,
      cached: 1,
      input_tokens: 0,
      cost_usd: 0,
    });
    // A different message is a different request.
    server.chat.push(okChat(JSON.stringify(goodAnswer)));
    await rerun.complete(requestFor('acme_houses', ' Prefer regression.'));
    expect(server.hits(CHAT)).toBe(2);
  });

  it('shares one call between identical requests in flight', async () => {
    server.chat.push({ ...okChat(JSON.stringify(goodAnswer)), hangMs: 50 });
    const [a, b] = await Promise.all([
      t.client.complete(requestFor('acme_houses')),
      t.client.complete(requestFor('acme_houses')),
    ]);
    expect(a.value).toEqual(b.value);
    expect(server.hits(CHAT)).toBe(1);
    // Tokens are counted once: the second caller shared the first one's call.
    expect([a.cached, b.cached].sort()).toEqual([false, true]);
    expect(t.client.ledger.summarize().total).toMatchObject({ calls: 2, cached: 1, input_tokens: 1200 });
  });

  it('keeps at most llm.concurrency calls in flight', async () => {
    const limited = await makeClient('openai', server.url, { concurrency: 2 });
    try {
      for (let i = 0; i < 6; i += 1) server.chat.push({ ...okChat(JSON.stringify(goodAnswer)), hangMs: 40 });
      const datasets = ['a_1', 'a_2', 'a_3', 'a_4', 'a_5', 'a_6'];
      await Promise.all(datasets.map((dataset) => limited.client.complete(requestFor(dataset))));
      expect(server.hits(CHAT)).toBe(6);
      expect(server.peakConcurrency()).toBe(2);
    } finally {
      await limited.cleanup();
    }
  });

  it('raises LlmInvalidResponse with the raw text for malformed JSON, without retrying', async () => {
    server.chat.push(okChat('{"target": "price", "task": '));
    const error = await t.client.complete(requestFor('acme_houses')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmInvalidResponse);
    const invalid = error as LlmInvalidResponse;
    expect(invalid.rawText).toBe('{"target": "price", "task": ');
    expect(invalid.issues[0]).toMatch(/^\(root\): not valid JSON/);
    expect(server.hits(CHAT)).toBe(1);
    // The answer is kept: a rerun reproduces the same failure without a call.
    const again = await t
      .again()
      .complete(requestFor('acme_houses'))
      .catch((e: unknown) => e);
    expect(again).toMatchObject({ name: 'LlmInvalidResponse', cached: true });
    expect(server.hits(CHAT)).toBe(1);
  });

  it('raises LlmInvalidResponse naming the path for a wrong type', async () => {
    server.chat.push(okChat(JSON.stringify({ ...goodAnswer, features: 'rooms' })));
    const error = await t.client.complete(requestFor('acme_houses')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmInvalidResponse);
    expect((error as LlmInvalidResponse).issues).toEqual([expect.stringMatching(/^features: /)]);
  });

  it('honours retry-after on 429 and retry-after-ms, then succeeds', async () => {
    server.chat.push(apiError(429, 'Rate limit reached', { 'retry-after': '7' }));
    server.chat.push(apiError(429, 'Rate limit reached', { 'retry-after-ms': '1500', 'retry-after': '9' }));
    server.chat.push(okChat(JSON.stringify(goodAnswer)));
    const result = await t.client.complete(requestFor('acme_houses'));
    expect(result.value).toEqual(goodAnswer);
    expect(server.hits(CHAT)).toBe(3);
    expect(t.delays).toEqual([7000, 1500]);
  });

  it('holds calls that start while another call is rate limited', async () => {
    // A frozen clock: the hold never expires on its own, so every wait shows in `delays`.
    const gated = await makeClient('openai', server.url, { concurrency: 2 }, undefined, () => 1_000_000);
    try {
      let later: Promise<unknown> = Promise.resolve();
      let first = true;
      server.onChat = (request) => {
        if (!request.body.toString('utf8').includes('a_1')) return okChat(JSON.stringify(goodAnswer));
        if (first) {
          first = false;
          return apiError(429, 'Rate limit reached', { 'retry-after-ms': '5000' });
        }
        // a_1 is retrying, so the client has seen the 429: a call started now must wait it out.
        later = gated.client.complete(requestFor('c_1'));
        return okChat(JSON.stringify(goodAnswer));
      };
      await gated.client.complete(requestFor('a_1'));
      await later;
      expect(server.hits(CHAT)).toBe(3);
      expect(gated.delays).toEqual([5000, 5000]);
    } finally {
      await gated.cleanup();
    }
  });

  it('backs off exponentially with jitter on 500 and gives up after max_attempts', async () => {
    for (let i = 0; i < 3; i += 1) server.chat.push(apiError(500, 'The server had an error'));
    const error = await t.client.complete(requestFor('acme_houses')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmCallError);
    expect(error).toMatchObject({ kind: 'server', status: 500, attempts: 3 });
    expect(server.hits(CHAT)).toBe(3);
    // base 1000 ms, doubling; half fixed + half random (random = 0.5).
    expect(t.delays).toEqual([750, 1500]);
    expect(await t.cacheFiles()).toEqual([]);
  });

  it('retries a request that times out (SDK timeout set low)', async () => {
    const fast = await makeClient('openai', server.url, { timeout_ms: 150 });
    try {
      server.chat.push({ ...okChat(JSON.stringify(goodAnswer)), hangMs: 3000 });
      server.chat.push(okChat(JSON.stringify({ ...goodAnswer, target: 'area' })));
      const result = await fast.client.complete(requestFor('acme_houses'));
      expect(result.value.target).toBe('area');
      expect(server.hits(CHAT)).toBe(2);
      expect(fast.delays).toHaveLength(1);
    } finally {
      await fast.cleanup();
    }
  });

  it('does not retry a 400 and turns a 401 into a UserError naming the variable', async () => {
    server.chat.push(apiError(400, 'Invalid schema for response_format'));
    await expect(t.client.complete(requestFor('a_b'))).rejects.toMatchObject({
      kind: 'bad_request',
      attempts: 1,
    });
    server.chat.push(apiError(401, `Incorrect API key provided: ${OPENAI_KEY}`));
    const error = await t.client.complete(requestFor('c_d')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain('OPENAI_API_KEY');
    expect((error as Error).message).not.toContain(OPENAI_KEY);
    expect(server.hits(CHAT)).toBe(2);
  });

  it('stops with an InfraError when the server cannot be reached', async () => {
    const down = await makeClient('openai', 'http://127.0.0.1:9', { retries: { max_attempts: 2 } });
    try {
      await expect(down.client.complete(requestFor('a_b'))).rejects.toBeInstanceOf(InfraError);
      expect(down.delays).toHaveLength(1);
    } finally {
      await down.cleanup();
    }
  });

  it('refuses to start without a key, and replay mode never calls the provider', async () => {
    await expect(makeClient('openai', server.url, {}, {})).rejects.toThrow(/OPENAI_API_KEY is not set/);
    const replay = await makeClient('openai', server.url, { cache: 'replay' });
    try {
      await expect(replay.client.complete(requestFor('a_b'))).rejects.toThrow(/llm.cache is replay/);
      expect(server.hits(CHAT)).toBe(0);
    } finally {
      await replay.cleanup();
    }
  });

  it('keeps a usage ledger per stage and dataset', async () => {
    server.chat.push(okChat(JSON.stringify(goodAnswer)), okChat(JSON.stringify(goodAnswer)));
    await t.client.complete(requestFor('acme_houses'));
    await t.client.complete(requestFor('acme_cars'));
    await t.client.complete(requestFor('acme_cars'));
    const summary = t.client.ledger.summarize();
    expect(summary.total).toEqual({
      calls: 3,
      cached: 1,
      input_tokens: 2400,
      output_tokens: 600,
      cost_usd: 0.00072,
    });
    expect(summary.by_dataset.acme_cars).toMatchObject({ calls: 2, cached: 1, input_tokens: 1200 });
    expect(summary.by_stage.draft?.calls).toBe(3);
  });
});
