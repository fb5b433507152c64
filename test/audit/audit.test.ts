import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { collectAudit } from '../../pipeline/audit/collect.ts';
import { auditHtml } from '../../pipeline/audit/html.ts';
import { datasetStory, storyText } from '../../pipeline/audit/story.ts';
import { asDatasetId } from '../../pipeline/ids.ts';
import { writeJsonAtomic } from '../../pipeline/store/atomic.ts';
import type { Outcome } from '../../pipeline/store/outcome.ts';
import type { StageName } from '../../pipeline/store/paths.ts';
import { writeStatus } from '../../pipeline/store/status.ts';
import { testContext, testdir } from '../support/testdir.ts';

async function record(
  ctx: ReturnType<typeof testContext>,
  stage: StageName,
  id: string,
  outcome: Outcome,
  ms: number,
) {
  await writeStatus(ctx.paths, {
    stage,
    dataset: id,
    inputs_hash: 'h',
    code_version: 'test',
    outcome,
    started_at: '2026-01-01T00:00:00.000Z',
    duration_ms: ms,
    artifacts: [],
  });
}

/** A small processed/ tree: three datasets that got to different stages, one verdict. */
async function fixtureTree() {
  const root = await testdir();
  const ctx = testContext(root);
  for (const id of ['a_one', 'b_two', 'c_three']) await record(ctx, 'scrape', id, { status: 'ok' }, 10);
  await record(ctx, 'profile', 'a_one', { status: 'ok' }, 100);
  await record(ctx, 'profile', 'b_two', { status: 'ok' }, 300);
  await record(
    ctx,
    'profile',
    'c_three',
    { status: 'rejected', reason: 'empty_file', detail: 'c.csv is 0 bytes' },
    5,
  );
  await record(ctx, 'draft', 'a_one', { status: 'ok' }, 20);
  await record(ctx, 'draft', 'b_two', { status: 'error', reason: 'unexpected', detail: 'boom' }, 20);
  const declined = { status: 'declined', reason: 'no_time_column', detail: 'no datetime column' };
  await writeJsonAtomic(ctx.paths.artifact(asDatasetId('a_one'), 'draft.json'), {
    dataset: 'a_one',
    drafted_by: 'openai',
    provider: 'openai',
    model: 'gpt-test',
    families: { classification: { status: 'ok', decision: {} }, regression: declined, time_series: declined },
    requests: [
      {
        template: 't',
        template_version: '1',
        request_hash: 'x',
        input_tokens: 1200,
        output_tokens: 300,
        cost_usd: 0.002,
        cached: false,
      },
      {
        template: 't',
        template_version: '1',
        request_hash: 'y',
        input_tokens: 800,
        output_tokens: 100,
        cost_usd: 0,
        cached: true,
      },
    ],
  });
  await mkdir(join(ctx.paths.processedDir(asDatasetId('a_one')), 'tasks', 'a_one_class'), {
    recursive: true,
  });
  await writeJsonAtomic(ctx.paths.artifact(asDatasetId('a_one'), 'verdict.json'), {
    dataset: 'a_one',
    environment: { python: '3.11' },
    tasks: [
      {
        task: 'a_one_class',
        family: 'class',
        status: 'passed',
        reasons: [],
        flags: [],
        reference_sha256: null,
        checks: [
          { name: 'determinism', status: 'pass', detail: 'identical bytes twice', metrics: {} },
          {
            name: 'learnable',
            status: 'pass',
            detail: 'baseline beats majority',
            metrics: { strong: 0.81, trivial: 0.33 },
          },
        ],
      },
    ],
  });
  return { root, ctx };
}

describe('audit', () => {
  it('counts the funnel, reasons, checks, scores, LLM usage and durations from the artifacts', async () => {
    const { ctx } = await fixtureTree();
    const data = await collectAudit(ctx);
    await ctx.close();
    expect(data.datasets).toBe(3);
    expect(data.funnel.slice(0, 3)).toEqual([
      { stage: 'scrape', ok: 3, rejected: 0, error: 0 },
      { stage: 'profile', ok: 2, rejected: 1, error: 0 },
      { stage: 'draft', ok: 1, rejected: 0, error: 1 },
    ]);
    expect(data.task_funnel.class).toEqual({ drafted: 1, built: 1, verified: 1, released: 0 });
    expect(data.reasons).toContainEqual({
      stage: 'profile',
      status: 'rejected',
      reason: 'empty_file',
      count: 1,
      examples: ['c_three'],
    });
    expect(data.checks).toContainEqual({
      check: 'learnable',
      family: 'class',
      pass: 1,
      fail: 0,
      flag: 0,
      skip: 0,
    });
    expect(data.scores['learnable.strong']).toEqual([0.81]);
    expect(data.llm).toEqual([
      {
        provider: 'openai',
        model: 'gpt-test',
        calls: 2,
        cached: 1,
        input_tokens: 2000,
        output_tokens: 400,
        cost_usd: 0.002,
      },
    ]);
    expect(data.durations.find((d) => d.stage === 'profile')).toMatchObject({
      datasets: 3,
      total_ms: 405,
      median_ms: 100,
    });
  });

  it("tells one dataset's whole story", async () => {
    const { ctx } = await fixtureTree();
    const text = storyText(await datasetStory(ctx, asDatasetId('c_three')));
    expect(text).toMatch(/profile\s+rejected\(empty_file\)/);
    expect(text).toMatch(/c\.csv is 0 bytes/);
    expect(text).toMatch(/draft\s+not run/);
    const passed = storyText(await datasetStory(ctx, asDatasetId('a_one')));
    expect(passed).toMatch(/Task a_one_class: passed/);
    expect(passed).toMatch(/pass learnable: baseline beats majority/);
  });

  it('renders a self-contained HTML report whose charts draw in headless Chromium', async () => {
    const { root, ctx } = await fixtureTree();
    const html = auditHtml(await collectAudit(ctx), 'audit test');
    await ctx.close();
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const file = join(root, 'audit.html');
    await writeFile(file, html);
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requests.push(r.url());
      });
      await page.goto(`file://${file}`);
      const charts = await page.$$eval('svg.chart', (svgs) =>
        svgs.map((s) => ({
          title: s.querySelector('.chart-title')?.textContent ?? '',
          bars: s.querySelectorAll('rect').length,
          height: s.getBoundingClientRect().height,
        })),
      );
      expect(requests).toEqual([]);
      const byTitle = new Map(charts.map((c) => [c.title, c]));
      for (const title of [
        'Datasets per stage',
        'Rejections and errors by reason',
        'Time per stage (seconds, all datasets)',
        'learnable.strong',
      ]) {
        expect(byTitle.get(title)?.bars, title).toBeGreaterThan(0);
        expect(byTitle.get(title)?.height, title).toBeGreaterThan(0);
      }
      await mkdir('test-artifacts', { recursive: true });
      await page.screenshot({ path: 'test-artifacts/audit-report.png', fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
