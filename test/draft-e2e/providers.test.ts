import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promptVersions } from '../../pipeline/llm/prompts/index.ts';
import { run } from '../../pipeline/stages/draft/index.ts';
import { readStatus } from '../../pipeline/store/status.ts';
import { standardScript } from './policy.ts';
import { type ProviderName, startPolicyServer } from './servers.ts';
import {
  ANTHROPIC_KEY,
  avocado,
  car,
  lung,
  OPENAI_KEY,
  type Profiled,
  profiledRoot,
  providerYaml,
  scenario,
  student,
} from './support.ts';

let profiled: Profiled;
beforeAll(async () => {
  profiled = await profiledRoot();
});
afterAll(async () => profiled?.dispose());

const expected = {
  openai: { model: 'gpt-4o-mini', tokens: [1200, 300], cost: (1200 * 0.15 + 300 * 0.6) / 1e6 },
  anthropic: { model: 'claude-haiku-4-5', tokens: [2000, 400], cost: (2000 * 1 + 400 * 5) / 1e6 },
} as const;

async function filesUnder(dir: string): Promise<string> {
  const names = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(
    names
      .filter((entry) => entry.isFile())
      .map((entry) => readFile(join(entry.parentPath, entry.name), 'utf8')),
  );
  return texts.join('\n');
}

describe.each(['openai', 'anthropic'] as const)(
  'draft stage through %s (loopback server)',
  (provider: ProviderName) => {
    it('ends every scripted fault as retry, rejection or success; reruns make no provider call', async () => {
      const server = await startPolicyServer(provider, standardScript());
      const processed = await profiled.processedCopy(`run-${provider}`);
      const s = scenario(profiled.root, processed, providerYaml(server));
      try {
        const first = await run({ ...s.ctx, llm: async () => s.client() }, { force: true });
        expect(first).toMatchObject({
          total: 4,
          processed: 4,
          ok: 2,
          rejected: { llm_invalid_column: 1, llm_invalid_target_type: 1 },
          errors: {},
        });
        // avocado: domain, malformed + retry (tabular), 429 + answer (time series); lung and
        // student: domain, two invalid tabular answers, time series; car: 500 and a timeout retried.
        expect(server.calls()).toBe(5 + 4 + 4 + 5);
        expect(s.delays).toContain(2000);

        const { model, tokens, cost } = expected[provider];
        const good = await s.draft(avocado);
        expect(good).toMatchObject({
          drafted_by: provider,
          provider,
          model,
          prompt_versions: promptVersions,
          domain: 'other',
          primary_family: 'classification',
          families: {
            classification: { status: 'ok', decision: { target: ['ripeness'] } },
            regression: { status: 'declined', reason: 'not_chosen' },
            time_series: { status: 'declined', reason: 'llm_unsuitable' },
          },
        });
        expect(good.requests.map((r) => r.template)).toEqual([
          'domain_label',
          'tabular_design',
          'tabular_design',
          'time_series_design',
        ]);
        // The malformed answer was paid for and counts; its retry is a new request.
        const [, malformed, retried] = good.requests;
        expect(malformed).toMatchObject({ cached: false, input_tokens: tokens[0], output_tokens: tokens[1] });
        expect(retried).toMatchObject({ cached: false, input_tokens: tokens[0], output_tokens: tokens[1] });
        expect(retried?.cost_usd).toBeCloseTo(cost, 10);
        expect(retried?.request_hash).toMatch(/^[0-9a-f]{64}$/);
        expect(retried?.request_hash).not.toBe(malformed?.request_hash);

        expect(await s.draft(car)).toMatchObject({
          families: { classification: { status: 'ok', decision: { target: ['Owner'] } } },
        });
        expect((await s.draft(car)).requests).toHaveLength(3);
        expect(await s.draft(lung)).toMatchObject({
          families: {
            classification: { status: 'declined', reason: 'llm_invalid_column' },
            regression: { status: 'declined', reason: 'llm_invalid_column' },
          },
        });
        const rejectedStudent = await readStatus(s.ctx.paths, 'draft', student);
        expect(rejectedStudent?.outcome).toMatchObject({
          status: 'rejected',
          reason: 'llm_invalid_target_type',
          detail: expect.stringContaining('"school_support"'),
        });

        // 4 + 4 + 4 + 3 requests reached the provider (transport retries are one request each).
        const spent = `${15 * tokens[0]} input + ${15 * tokens[1]} output tokens, est. $${(15 * cost).toFixed(4)}`;
        expect(s.log.join('\n')).toContain(
          `draft: 15 LLM answer(s) from ${provider}, 0 replayed from the cache, ${spent}`,
        );

        // --force redoes every dataset from the cache; a plain rerun finds them fresh.
        const forced = await run({ ...s.ctx, llm: async () => s.client() }, { force: true });
        expect(forced).toMatchObject({ processed: 4, ok: 2, rejected: first.rejected });
        const replayed = await s.draft(avocado);
        expect(replayed.requests.map((r) => [r.request_hash, r.cached])).toEqual(
          good.requests.map((r) => [r.request_hash, true]),
        );
        const plain = await run({ ...s.ctx, llm: async () => s.client() });
        expect(plain).toMatchObject({ fresh: 4, processed: 0 });
        expect(server.calls()).toBe(18);

        const everything = await filesUnder(processed);
        expect(everything).not.toContain(provider === 'openai' ? OPENAI_KEY : ANTHROPIC_KEY);
        expect(s.log.join('\n')).not.toContain(provider === 'openai' ? OPENAI_KEY : ANTHROPIC_KEY);
      } finally {
        await s.ctx.close();
        await server.close();
      }
    });
  },
);
