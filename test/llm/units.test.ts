import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configJsonSchema } from '../../pipeline/config/json-schema.ts';
import { configSchema } from '../../pipeline/config/schema.ts';
import { createContext } from '../../pipeline/context.ts';
import { createLlmClient } from '../../pipeline/llm/create.ts';
import { estimateCost, UsageLedger } from '../../pipeline/llm/ledger.ts';
import { prepareRequest } from '../../pipeline/llm/request.ts';
import { type CallFailure, retryAfter, retryDelay } from '../../pipeline/llm/retry.ts';
import { providerSchema } from '../../pipeline/llm/schema.ts';
import { Logger } from '../../pipeline/logger.ts';
import { Semaphore } from '../../pipeline/util/limit.ts';
import { requestFor } from './helpers.ts';

const config = configSchema.parse({});
const policy = config.llm.retries;
const failure: CallFailure = {
  kind: 'server',
  retryable: true,
  status: 500,
  retryAfterMs: undefined,
  message: 'x',
};

describe('retry policy', () => {
  it('doubles up to the cap with half-random jitter', () => {
    expect([1, 2, 3].map((attempt) => retryDelay(policy, attempt, failure, 0))).toEqual([500, 1000, 2000]);
    expect(retryDelay(policy, 3, failure, 1)).toBe(4000);
    expect(retryDelay(policy, 30, failure, 1)).toBe(policy.max_delay_ms);
  });

  it('takes the server word, capped', () => {
    expect(retryDelay(policy, 1, { ...failure, retryAfterMs: 12_000 }, 0.9)).toBe(12_000);
    expect(retryDelay(policy, 1, { ...failure, retryAfterMs: 10 ** 9 }, 0)).toBe(policy.max_retry_after_ms);
  });

  it('reads retry-after-ms, retry-after seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-27T12:00:00Z');
    expect(retryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    expect(retryAfter(new Headers({ 'retry-after': '2.5' }), now)).toBe(2500);
    expect(retryAfter(new Headers({ 'retry-after': 'Fri, 27 Nov 2026 12:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
  });
});

describe('request hashing and schemas', () => {
  it('hashes provider, model, template version, messages and schema, not labels', () => {
    const base = prepareRequest('openai', 'm', requestFor('a_b'));
    const relabelled = prepareRequest('openai', 'm', { ...requestFor('a_b'), labels: { stage: 'other' } });
    expect(relabelled.hash).toBe(base.hash);
    expect(prepareRequest('anthropic', 'm', requestFor('a_b')).hash).not.toBe(base.hash);
    expect(prepareRequest('openai', 'm2', requestFor('a_b')).hash).not.toBe(base.hash);
    expect(prepareRequest('openai', 'm', { ...requestFor('a_b'), templateVersion: '2' }).hash).not.toBe(
      base.hash,
    );
    const otherSchema = { ...requestFor('a_b'), schema: z.object({ target: z.string() }) };
    expect(prepareRequest('openai', 'm', otherSchema).hash).not.toBe(base.hash);
    expect(() => prepareRequest('openai', 'm', { ...requestFor('a_b'), schemaName: 'has space' })).toThrow(
      /schemaName/,
    );
  });

  it('marks schemas with optional properties as not strict-compatible', () => {
    expect(providerSchema(z.object({ a: z.string(), b: z.array(z.object({ c: z.number() })) })).strict).toBe(
      true,
    );
    expect(providerSchema(z.object({ a: z.string(), b: z.number().optional() })).strict).toBe(false);
    expect(providerSchema(z.object({ a: z.object({ b: z.string().optional() }) })).strict).toBe(false);
    expect(providerSchema(z.object({ a: z.string() })).json.$schema).toBeUndefined();
    // The model writes the input side: a default makes a key optional, a transform is fine.
    const withDefault = providerSchema(
      z.object({ a: z.number().default(1), b: z.string().transform((v) => v.length) }),
    );
    expect(withDefault).toMatchObject({
      strict: false,
      json: { required: ['b'], additionalProperties: false },
    });
  });
});

describe('usage and limits', () => {
  it('prices known models, and returns undefined for unknown ones', () => {
    const usage = { input_tokens: 1_000_000, output_tokens: 1_000_000 };
    expect(estimateCost(config.llm.prices, 'gpt-4o-mini', usage)).toBe(0.75);
    expect(estimateCost(config.llm.prices, 'gpt-4o-mini', usage, 0.5)).toBe(0.375);
    expect(estimateCost(config.llm.prices, 'my-local-llama', usage)).toBeUndefined();
  });

  it('summarises the ledger per stage and dataset', () => {
    const ledger = new UsageLedger();
    const base = { request_hash: 'h', provider: 'openai', model: 'm', template: 't', via: 'sync' as const };
    const usage = { input_tokens: 10, output_tokens: 5 };
    ledger.add({ ...base, stage: 'draft', dataset: 'a_b', cached: false, usage, cost_usd: 0.1 });
    ledger.add({ ...base, stage: 'draft', dataset: 'c_d', cached: false, usage, cost_usd: 0.2 });
    ledger.add({ ...base, stage: undefined, dataset: undefined, cached: true, usage, cost_usd: 0 });
    const summary = ledger.summarize();
    expect(summary.total).toEqual({
      calls: 3,
      cached: 1,
      input_tokens: 30,
      output_tokens: 15,
      cost_usd: 0.3,
    });
    expect(Object.keys(summary.by_dataset)).toEqual(['a_b', 'c_d']);
    expect(summary.by_stage.draft?.cost_usd).toBe(0.3);
  });

  it('never runs more than the limit at once', async () => {
    const limit = new Semaphore(2);
    let active = 0;
    let peak = 0;
    const task = async () => {
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setImmediate(resolve));
      active -= 1;
    };
    await Promise.all(Array.from({ length: 7 }, () => limit.run(task)));
    expect(peak).toBe(2);
  });

  it('describes and defaults every llm config key', () => {
    expect(config.llm).toMatchObject({ cache: 'read_write', concurrency: 4, batch: { enabled: false } });
    const llm = z
      .object({
        properties: z.object({ llm: z.object({ properties: z.record(z.string(), z.looseObject({})) }) }),
      })
      .parse(configJsonSchema()).properties.llm;
    const undescribed = Object.entries(llm.properties).filter(([, value]) => !value.description);
    expect(undescribed).toEqual([]);
    expect(Object.keys(llm.properties)).toContain('prices');
    expect(() => configSchema.parse({ llm: { cache: 'sometimes' } })).toThrow();
  });

  it('builds from a Context, registering the key as a secret', () => {
    const lines: string[] = [];
    const ctx = createContext({
      config: configSchema.parse({ draft: { provider: 'anthropic' }, paths: { processed: '/tmp/unused' } }),
      logger: new Logger('debug', { write: (line) => lines.push(line) }),
    });
    const client = createLlmClient({ ...ctx, env: { ANTHROPIC_API_KEY: 'sk-ant-never-print-me' } });
    expect(client).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4-6' });
    ctx.logger.info('key is sk-ant-never-print-me');
    expect(lines).toEqual(['key is ***\n']);
    expect(() => createLlmClient({ ...ctx, provider: 'openai', env: {} })).toThrow(/OPENAI_API_KEY/);
    const offline = createContext({ config: configSchema.parse({}) });
    expect(() => createLlmClient({ ...offline, env: {} })).toThrow(/offline/);
  });
});
