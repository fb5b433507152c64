import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../pipeline/stages/draft/index.ts';
import { readStatus } from '../../pipeline/store/status.ts';
import { hallucinated, tableOf } from './policy.ts';
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

const batchYaml = (maxWaitMs: number) =>
  `  batch:\n    enabled: true\n    poll_interval_ms: 1\n    max_wait_ms: ${maxWaitMs}`;

const halfPrice = {
  openai: ((1200 * 0.15 + 300 * 0.6) / 1e6) * 0.5,
  anthropic: ((2000 * 1 + 400 * 5) / 1e6) * 0.5,
} as const;

describe.each(['openai', 'anthropic'] as const)(
  'draft stage in batch mode through %s',
  (provider: ProviderName) => {
    it('submits the first round of every dataset in one batch, polls, and asks failed requests synchronously', async () => {
      // The worker fails the student dataset's tabular request: it is asked again synchronously;
      // its answer for lung names a column that does not exist: the retry goes synchronously too.
      const server = await startPolicyServer(
        provider,
        { 'lung-capacity-of-kids/tabular_design': [hallucinated] },
        {
          pollsBeforeDone: 2,
          batchFails: (template, prompt) =>
            template === 'tabular_design' && tableOf(prompt) === 'student-performance-estimation',
        },
      );
      const processed = await profiled.processedCopy(`batch-${provider}`);
      const s = scenario(profiled.root, processed, providerYaml(server, batchYaml(60_000)));
      try {
        const summary = await run({ ...s.ctx, llm: async () => s.client() });
        expect(summary).toMatchObject({ processed: 4, ok: 4, errors: {} });
        expect(server.submissions()).toBe(1);
        expect(server.calls()).toBe(2);
        expect(s.log.join('\n')).toContain(
          'draft batch: 12 request(s), 0 cached, 12 submitted, 11 answered, 1 failed (asked again synchronously), 0 still running',
        );

        const fromBatch = await s.draft(avocado);
        expect(fromBatch.requests).toHaveLength(3);
        for (const record of fromBatch.requests) {
          expect(record).toMatchObject({ via: 'batch', cached: false });
          expect(record.cost_usd).toBeCloseTo(halfPrice[provider], 10);
        }
        const fallback = await s.draft(student);
        expect(fallback.requests.map((r) => [r.template, r.via ?? 'sync'])).toEqual([
          ['domain_label', 'batch'],
          ['tabular_design', 'sync'],
          ['time_series_design', 'batch'],
        ]);
        expect(fallback.families.regression).toMatchObject({
          status: 'ok',
          decision: { target: ['final_grade'] },
        });
        const corrected = await s.draft(lung);
        expect(corrected.requests.map((r) => [r.template, r.via ?? 'sync'])).toEqual([
          ['domain_label', 'batch'],
          ['tabular_design', 'batch'],
          ['tabular_design', 'sync'],
          ['time_series_design', 'batch'],
        ]);
        expect(corrected.families.classification).toMatchObject({
          status: 'ok',
          decision: { target: ['Caesarean'] },
        });

        // Everything is cached now: a forced rerun submits nothing and calls nothing.
        const again = await run({ ...s.ctx, llm: async () => s.client() }, { force: true });
        expect(again).toMatchObject({ processed: 4, ok: 4 });
        expect([server.submissions(), server.calls()]).toEqual([1, 2]);
        expect((await s.draft(avocado)).requests.every((r) => r.cached && r.via === undefined)).toBe(true);
      } finally {
        await s.ctx.close();
        await server.close();
      }
    });

    it('resumes a submitted batch after a restart instead of submitting it again', async () => {
      const server = await startPolicyServer(provider, {}, { pollsBeforeDone: 1 });
      const processed = await profiled.processedCopy(`resume-${provider}`);
      // First process: submits, polls once (still running), stops waiting (max_wait_ms 0).
      const first = scenario(profiled.root, processed, providerYaml(server, batchYaml(0)));
      try {
        const summary = await run({ ...first.ctx, llm: async () => first.client() });
        expect(summary).toMatchObject({ processed: 4, ok: 0, errors: { llm_batch_pending: 4 } });
        expect(server.calls()).toBe(0);
        expect(await readStatus(first.ctx.paths, 'draft', lung)).toMatchObject({
          outcome: { status: 'error', reason: 'llm_batch_pending' },
        });
        expect(await readdir(join(processed, '_llm_batches'))).toHaveLength(1);
      } finally {
        await first.ctx.close();
      }

      // A new process (new context, new client) polls the recorded batch and drafts from it.
      const second = scenario(profiled.root, processed, providerYaml(server, batchYaml(60_000)));
      try {
        const summary = await run({ ...second.ctx, llm: async () => second.client() });
        expect(summary).toMatchObject({ processed: 4, ok: 4, errors: {} });
        expect(second.log.join('\n')).toContain('0 submitted, 1 batch(es) resumed, 12 answered');
        expect(server.submissions()).toBe(1);
        expect(server.calls()).toBe(0);
        expect((await second.draft(car)).requests.every((r) => r.via === 'batch')).toBe(true);
      } finally {
        await second.ctx.close();
        await server.close();
      }
    });
  },
);
