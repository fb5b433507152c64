import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { goodAnswer, makeClient, requestFor, type TestClient } from './helpers.ts';
import { startAnthropicServer } from './servers/anthropic-fake.ts';
import type { BatchAnswer } from './servers/openai-fake.ts';
import { startOpenAiServer } from './servers/openai-fake.ts';

/** The fake batch worker fails any request whose prompt mentions a dataset named *_broken. */
function answerFor(body: unknown): BatchAnswer {
  return JSON.stringify(body).includes('_broken')
    ? { error: 'context_length_exceeded: too many tokens' }
    : { content: JSON.stringify(goodAnswer) };
}

const requests = [requestFor('acme_houses'), requestFor('acme_cars'), requestFor('acme_broken')];

/** Submissions on disk whose batch is not recorded yet. */
async function submitting(dir: string): Promise<string[]> {
  return (await readdir(join(dir, '_llm_batches'))).filter((name) => name.startsWith('submitting-'));
}

async function batchRecords(dir: string): Promise<unknown[]> {
  const folder = join(dir, '_llm_batches');
  const names = (await readdir(folder)).sort();
  return Promise.all(names.map(async (name) => JSON.parse(await readFile(join(folder, name), 'utf8'))));
}

describe('OpenAI Batch API', () => {
  let t: TestClient | undefined;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    await t?.cleanup();
  });

  it('uploads a JSONL file, polls, downloads outputs into the cache and reports failures', async () => {
    const server = await startOpenAiServer({ pollsBeforeDone: 2, batchAnswer: answerFor });
    close = server.close;
    t = await makeClient('openai', server.url);
    const report = await t.client.runBatch(requests);
    expect(report).toMatchObject({
      requested: 3,
      submitted: 3,
      succeeded: 2,
      pending: 0,
      batches_resumed: [],
    });
    expect(report.batches_created).toEqual(['batch_1']);
    expect(report.failed).toEqual([
      {
        request_hash: expect.any(String),
        template: 'draft-task',
        error: expect.stringContaining('context_length'),
      },
    ]);
    expect(server.hits('POST /v1/files')).toBe(1);
    expect(server.hits('GET /v1/batches/:id')).toBeGreaterThanOrEqual(3);

    const upload = server.requests.find((request) => request.path === '/v1/files')!.body.toString('utf8');
    const lines = upload.split('\n').filter((line) => line.startsWith('{'));
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]!)).toMatchObject({ method: 'POST', url: '/v1/chat/completions' });

    // The drafts now replay from the cache: no chat call at all.
    const houses = await t.client.complete(requestFor('acme_houses'));
    expect(houses).toMatchObject({ value: goodAnswer, cached: true });
    expect(server.hits('POST /v1/chat/completions')).toBe(0);
    const ledger = t.client.ledger.summarize();
    expect(ledger.by_dataset.acme_houses).toMatchObject({ calls: 2, cached: 1, input_tokens: 1200 });
    // Batch price: half of 1200 * 0.15 / 1e6 + 300 * 0.6 / 1e6
    expect(ledger.by_dataset.acme_cars?.cost_usd).toBeCloseTo(0.00018, 10);

    const [record] = await batchRecords(t.dir);
    expect(record).toMatchObject({
      batch_id: 'batch_1',
      status: 'ended',
      failures: [{ error: expect.any(String) }],
    });
    expect(record).not.toHaveProperty('failures.1');

    // A rerun resubmits only the failed request, in a new batch.
    const rerun = await t.again().runBatch(requests);
    expect(rerun).toMatchObject({ already_cached: 2, submitted: 1, batches_created: ['batch_2'] });
    expect(server.hits('POST /v1/batches')).toBe(2);
  });

  it('resumes polling a persisted batch after a restart instead of resubmitting', async () => {
    // One poll per run (max_wait_ms 0): the first run sees it running, the restarted one done.
    const server = await startOpenAiServer({ pollsBeforeDone: 1, batchAnswer: answerFor });
    close = server.close;
    t = await makeClient('openai', server.url, { batch: { max_wait_ms: 0 } });
    const first = await t.client.runBatch(requests);
    expect(first).toMatchObject({ submitted: 3, succeeded: 0, pending: 3, batches_created: ['batch_1'] });
    expect((await batchRecords(t.dir))[0]).toMatchObject({ batch_id: 'batch_1', status: 'submitted' });

    const restarted = t.again();
    const second = await restarted.runBatch(requests);
    expect(second).toMatchObject({ submitted: 0, batches_resumed: ['batch_1'], succeeded: 2, pending: 0 });
    expect(second.failed).toHaveLength(1);
    expect(server.hits('POST /v1/batches')).toBe(1);
    expect(server.hits('POST /v1/files')).toBe(1);
    await expect(restarted.complete(requestFor('acme_cars'))).resolves.toMatchObject({ cached: true });
  });

  it('finds a batch the provider accepted before the answer was lost, instead of paying twice', async () => {
    const server = await startOpenAiServer({ batchAnswer: answerFor, acceptThenFail: 1 });
    close = server.close;
    t = await makeClient('openai', server.url);
    const report = await t.client.runBatch(requests);
    expect(report).toMatchObject({ submitted: 3, batches_created: ['batch_1'], succeeded: 2, pending: 0 });
    expect(server.hits('POST /v1/batches')).toBe(1);
    expect(server.hits('GET /v1/batches')).toBe(1);
    const created = server.requests.find((request) => request.path === '/v1/batches')!.json();
    expect(created).toMatchObject({
      metadata: { dare_forge_submission: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    expect(await submitting(t.dir)).toEqual([]);
  });

  it('after a run stopped between submitting and recording, the next run polls that batch', async () => {
    const server = await startOpenAiServer({ batchAnswer: answerFor, acceptThenFail: 1 });
    close = server.close;
    t = await makeClient('openai', server.url, { retries: { max_attempts: 1 } });
    await expect(t.client.runBatch(requests)).rejects.toThrow(/upstream connection reset/);
    expect(await submitting(t.dir)).toHaveLength(1);

    const second = await t.again().runBatch(requests);
    expect(second).toMatchObject({ submitted: 0, batches_resumed: ['batch_1'], succeeded: 2 });
    expect(server.hits('POST /v1/batches')).toBe(1);
    expect(t.log.join('\n')).toMatch(/found batch batch_1 that a stopped run submitted/);
    expect(await submitting(t.dir)).toEqual([]);
    expect(await batchRecords(t.dir)).toMatchObject([{ batch_id: 'batch_1', status: 'ended' }]);
  });

  it("resubmits when a stopped run's submission never reached the provider", async () => {
    const server = await startOpenAiServer({ batchAnswer: answerFor, refuseFirst: 1 });
    close = server.close;
    t = await makeClient('openai', server.url, { retries: { max_attempts: 1 } });
    await expect(t.client.runBatch(requests)).rejects.toThrow(/overloaded/);
    const second = await t.again().runBatch(requests);
    expect(second).toMatchObject({ submitted: 3, batches_created: ['batch_1'], batches_resumed: [] });
    expect(t.log.join('\n')).toMatch(/never reached the provider; submitting them again/);
    expect(server.hits('POST /v1/batches')).toBe(2);
  });

  it('makes no provider call at all when llm.cache is replay', async () => {
    const server = await startOpenAiServer({ batchAnswer: answerFor });
    close = server.close;
    t = await makeClient('openai', server.url, { cache: 'replay' });
    const report = await t.client.runBatch(requests);
    expect(report).toMatchObject({ submitted: 0, pending: 3, batches_created: [] });
    expect(server.requests).toHaveLength(0);
  });
});

describe('Anthropic Message Batches', () => {
  let t: TestClient | undefined;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    await t?.cleanup();
  });

  it('creates, polls, streams results into the cache, reports failures, and resumes', async () => {
    const server = await startAnthropicServer({ pollsBeforeDone: 1, batchAnswer: answerFor });
    close = server.close;
    t = await makeClient('anthropic', server.url, { batch: { max_wait_ms: 0 } });
    const first = await t.client.runBatch(requests);
    expect(first).toMatchObject({ submitted: 3, pending: 3, batches_created: ['msgbatch_01'] });
    const sent = server.requests.find((request) => request.path === '/v1/messages/batches')!.json();
    const item = {
      custom_id: expect.stringMatching(/^[0-9a-f]{64}$/),
      params: { tool_choice: { name: 'task_draft' } },
    };
    expect(sent).toMatchObject({ requests: [item, item, item] });
    expect(sent).not.toHaveProperty('requests.3');

    const second = await t.again().runBatch(requests);
    expect(second).toMatchObject({
      submitted: 0,
      batches_resumed: ['msgbatch_01'],
      succeeded: 2,
      pending: 0,
    });
    expect(second.failed).toEqual([
      {
        request_hash: expect.any(String),
        template: 'draft-task',
        error: expect.stringContaining('context_length'),
      },
    ]);
    expect(server.hits('POST /v1/messages/batches')).toBe(1);
    expect(server.hits('GET /v1/messages/batches/:id/results')).toBe(1);

    const replay = t.again();
    await expect(replay.complete(requestFor('acme_cars'))).resolves.toMatchObject({
      value: goodAnswer,
      cached: true,
    });
    expect(server.hits('POST /v1/messages')).toBe(0);
  });

  it('after a lost answer to a submission, adopts the batch with that many requests made since', async () => {
    const server = await startAnthropicServer({ batchAnswer: answerFor, acceptThenFail: 1 });
    close = server.close;
    t = await makeClient('anthropic', server.url, { retries: { max_attempts: 1 } });
    await expect(t.client.runBatch(requests)).rejects.toThrow(/upstream connection reset/);
    const second = await t.again().runBatch(requests);
    expect(second).toMatchObject({ submitted: 0, batches_resumed: ['msgbatch_01'], succeeded: 2 });
    expect(server.hits('POST /v1/messages/batches')).toBe(1);
    expect(server.hits('GET /v1/messages/batches')).toBe(1);
  });
});

describe('batch answers past llm.max_answer_bytes', () => {
  it.each(['openai', 'anthropic'] as const)('are failures, never cached (%s)', async (provider) => {
    const huge = (body: unknown): BatchAnswer =>
      JSON.stringify(body).includes('acme_cars')
        ? { content: JSON.stringify({ ...goodAnswer, target: 'z'.repeat(200_000) }) }
        : { content: JSON.stringify(goodAnswer) };
    const options = { pollsBeforeDone: 1, batchAnswer: huge };
    const server =
      provider === 'openai' ? await startOpenAiServer(options) : await startAnthropicServer(options);
    const t = await makeClient(provider, server.url, { max_answer_bytes: 64 * 1024 });
    try {
      const report = await t.client.runBatch([requestFor('acme_houses'), requestFor('acme_cars')]);
      expect(report.succeeded).toBe(1);
      expect(report.failed).toEqual([
        expect.objectContaining({
          error: expect.stringMatching(/^llm_answer_too_large: the answer has \d+ bytes/),
        }),
      ]);
      expect(await t.cacheFiles()).toHaveLength(1);
      expect(await t.readAll('_llm_cache')).not.toContain('zzzz');
      expect(await t.readAll('_llm_batches')).not.toContain('zzzz');
    } finally {
      await server.close();
      await t.cleanup();
    }
  });
});
