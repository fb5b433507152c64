import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../pipeline/stages/draft/index.ts';
import { readStatus } from '../../pipeline/store/status.ts';
import type { FaultScript } from './policy.ts';
import { type ProviderName, startPolicyServer } from './servers.ts';
import {
  avocado,
  car,
  lung,
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

/** Each dataset's design call meets a provider that misbehaves the same way on every try. */
function hostileScript(): FaultScript {
  const storm = { kind: 'status', status: 429, retryAfterSeconds: 3 } as const;
  return {
    'avocado-ripeness-classification-dataset/tabular_design': [storm, storm],
    'lung-capacity-of-kids/tabular_design': [{ kind: 'html' }, { kind: 'html' }],
    'student-performance-estimation/tabular_design': [{ kind: 'huge', bytes: 200_000 }],
    'car-data-small-dataset-good-for-learning/tabular_design': [{ kind: 'hang' }, { kind: 'hang' }],
  };
}

describe.each(['openai', 'anthropic'] as const)(
  'draft against a hostile %s server',
  (provider: ProviderName) => {
    it('ends each dataset with the named reason, retrying only what can change', async () => {
      const server = await startPolicyServer(provider, hostileScript());
      const processed = await profiled.processedCopy(`hostile-${provider}`);
      const yaml = providerYaml(server, '  max_answer_bytes: 65536\n  retries:\n    max_attempts: 2');
      const s = scenario(profiled.root, processed, yaml);
      try {
        const summary = await run({ ...s.ctx, llm: async () => s.client() }, { force: true });
        expect(summary).toMatchObject({
          total: 4,
          ok: 0,
          rejected: {},
          errors: { llm_rate_limited: 1, llm_bad_response: 1, llm_answer_too_large: 1, llm_timeout: 1 },
        });
        const reasons = await Promise.all(
          [avocado, lung, student, car].map(async (id) => {
            const outcome = (await readStatus(s.ctx.paths, 'draft', id))?.outcome;
            return outcome?.status === 'error' ? outcome.reason : outcome?.status;
          }),
        );
        expect(reasons).toEqual([
          'llm_rate_limited',
          'llm_bad_response',
          'llm_answer_too_large',
          'llm_timeout',
        ]);
        // One domain call each; design calls: 2 (429, Retry-After waited) + 1 (HTML) + 1 (too large) + 2 (timeouts).
        expect(server.calls()).toBe(4 + 2 + 1 + 1 + 2);
        expect(s.delays.filter((ms) => ms === 3000)).toHaveLength(1);
      } finally {
        await s.ctx.close();
        await server.close();
      }
    });
  },
);

it('stores a long answer once: in the cache, not again in drafts, records or status files', async () => {
  const marker = `LONG-ANSWER-${'q'.repeat(100_000)}`;
  const server = await startPolicyServer('openai', {
    'avocado-ripeness-classification-dataset/tabular_design': [
      { kind: 'answer', answer: (good) => ({ ...good, reason: marker }) },
    ],
  });
  const processed = await profiled.processedCopy('stored-once');
  const s = scenario(profiled.root, processed, providerYaml(server));
  try {
    const summary = await run({ ...s.ctx, llm: async () => s.client() }, { force: true });
    expect(summary.ok).toBe(4);
    const copies: string[] = [];
    for (const name of await readdir(processed, { recursive: true })) {
      const text = await readFile(join(processed, name), 'utf8').catch(() => '');
      if (text.includes(marker)) copies.push(name.split('/')[0] ?? name);
    }
    expect(copies).toEqual(['_llm_cache']);
  } finally {
    await s.ctx.close();
    await server.close();
  }
});
