import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { collectAudit } from '../../pipeline/audit/collect.ts';
import { writeSite } from '../../pipeline/audit/site.ts';
import { calibrate } from '../../pipeline/calibrate/calibration.ts';
import { verifyChecksSection } from '../../pipeline/config/sections/verify-checks.ts';
import { writeJsonAtomic } from '../../pipeline/store/atomic.ts';
import { hostile, taskTree } from './task-fixture.ts';

const chromiumPath = '/usr/bin/chromium';

async function launch() {
  if (!existsSync(chromiumPath))
    throw new Error(`${chromiumPath} is missing: install it with \`apt-get install -y chromium\` (CI does)`);
  const profile = await mkdtemp(join(tmpdir(), 'dare-forge-chromium-'));
  // A fresh profile per run: launchPersistentContext takes it as --user-data-dir.
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    viewport: { width: 1200, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

describe('audit site', () => {
  it('escapes hostile text on every page', async () => {
    const { root, ctx } = await taskTree();
    const index = join(root, 'site', 'index.html');
    await writeSite(ctx, await collectAudit(ctx), index, `audit ${hostile}`, verifyChecksSection.parse({}));
    await ctx.close();
    const pages = [
      index,
      ...(await readdir(join(root, 'site', 'tasks'))).map((n) => join(root, 'site', 'tasks', n)),
    ];
    for (const path of pages) expect(await readFile(path, 'utf8')).not.toContain('<img src=x');
    expect(await readFile(join(root, 'site', 'tasks', 'd_one_reg.html'), 'utf8')).toContain('&lt;img src=x');
  });

  it('from file://: filter to rejected tasks, open one, see its failing check, reason and threshold', async () => {
    const { root, ctx } = await taskTree();
    const run = {
      task: 'd_one_class',
      family: 'classification',
      repeat: 1,
      tool_calls: 2,
      no_data: false,
    } as const;
    await writeJsonAtomic(
      join(ctx.paths.splits, '1.0.0', 'calibration', 'calibration.json'),
      calibrate([
        { ...run, variant: 'v1', model: 'scripted:reference', score: 1 },
        { ...run, variant: 'v2', model: 'scripted:reference', score: 0.5 },
      ]),
    );
    const index = join(root, 'site', 'index.html');
    await writeSite(ctx, await collectAudit(ctx), index, 'audit test', verifyChecksSection.parse({}));
    await ctx.close();
    const { browser, close } = await launch();
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requests.push(r.url());
      });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.goto(`file://${index}`);
      const table = page.getByRole('table').filter({ has: page.getByRole('button', { name: 'variant' }) });
      await expect.poll(() => table.getByRole('row').count()).toBe(5);
      // The difficulty histogram: ten solve-rate buckets, the two calibrated variants in two of them.
      expect(await page.locator('#difficulty svg text.count').allTextContents()).toEqual(['1', '1']);
      await page.getByRole('combobox', { name: 'status' }).selectOption('rejected');
      expect(await page.locator('#shown').textContent()).toBe('1 of 4 tasks shown');
      await expect.poll(() => table.getByRole('link', { name: 'd_one_class' }).isVisible()).toBe(false);
      // Sorting keeps the filter's rows and moves them.
      await page.getByRole('button', { name: 'task' }).click();
      await page.getByRole('button', { name: 'task' }).click();
      await mkdir('test-artifacts', { recursive: true });
      await page.screenshot({ path: 'test-artifacts/audit-index.png', fullPage: true });
      await table.getByRole('link', { name: 'd_one_reg' }).click();
      await page.waitForURL(/tasks\/d_one_reg\.html$/);
      const text = await page.locator('body').innerText();
      expect(text).toMatch(/Failing check: discrimination \(v1\); reason noise_irrelevant/);
      expect(text).toContain(hostile.trim());
      const checks = page.getByRole('table', { name: 'checks' });
      const row = checks.getByRole('row').filter({ hasText: 'discrimination' });
      expect(await row.innerText()).toMatch(
        /fail.*changed_skip_range_filter=0.*skip_range_filter must change the output/s,
      );
      expect(text).toMatch(/flag marks a check/);
      await page.screenshot({ path: 'test-artifacts/audit-rejected-task.png', fullPage: true });
      await page.getByRole('link', { name: 'd_one', exact: true }).click();
      expect(await page.getByRole('table', { name: 'stages' }).innerText()).toMatch(/verify\s+ok/);
      expect(requests).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
