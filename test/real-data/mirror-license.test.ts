import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planRun } from '../../pipeline/scale/dry-run.ts';
import { judgeItem } from '../../pipeline/sources/kaggle/selection.ts';
import { run as scrape } from '../../pipeline/stages/scrape/index.ts';
import { testContext, testdir } from '../support/testdir.ts';

const items = [
  { ref: 'alice/open-table', licenseName: 'CC0: Public Domain', totalBytes: 4000 },
  { ref: 'bob/nc-table', licenseName: 'CC BY-NC-SA 4.0', totalBytes: 4000 },
  { ref: 'carol/unlicensed', totalBytes: 4000 },
  { ref: 'dave/mit-table', licenseName: 'MIT', totalBytes: 4000 },
];

async function mirror(): Promise<string> {
  const tree: Record<string, string> = { 'mirror/index.json': JSON.stringify(items) };
  for (const { ref } of items) {
    tree[`mirror/${ref}/metadata.json`] = JSON.stringify({ info: { title: ref }, errorMessage: null });
    tree[`mirror/${ref}/files/table.csv`] = 'a,b\n1,2\n3,4\n';
  }
  return testdir(tree);
}

describe('the mirror source applies the Kaggle selection policy', () => {
  it('drops the datasets the Kaggle source drops for their license, and keeps the rest', async () => {
    const root = await mirror();
    const lines: string[] = [];
    const ctx = testContext(root, `source:\n  kind: mirror\n  mirror: ${join(root, 'mirror')}\n`, lines);
    try {
      const summary = await scrape(ctx);
      expect(summary).toMatchObject({ total: 2, ok: 2 });
      expect((await readdir(ctx.paths.raw)).filter((name) => !name.startsWith('.')).sort()).toEqual([
        'alice_open-table',
        'dave_mit-table',
      ]);
      // The same function decides for both sources.
      const keptByKaggle = items.filter((item) => judgeItem(item, ctx.config.kaggle.select) === undefined);
      expect(keptByKaggle.map((item) => item.ref)).toEqual(['alice/open-table', 'dave/mit-table']);
      expect(lines.join('\n')).toContain('dropped: license_not_allowed 2');
    } finally {
      await ctx.close();
    }
  });

  it('follows a widened allowlist from config, and the dry run counts the same datasets', async () => {
    const root = await mirror();
    const yaml = `source:\n  kind: mirror\n  mirror: ${join(root, 'mirror')}\nkaggle:\n  select:\n    licenses: ["CC0-1.0", "CC0: Public Domain", "CC BY-NC-SA 4.0"]\n`;
    const ctx = testContext(root, yaml);
    try {
      const plan = await planRun(ctx);
      expect(plan.selected).toBe(2);
      const summary = await scrape(ctx);
      expect(summary).toMatchObject({ total: 2, ok: 2 });
      expect((await readdir(ctx.paths.raw)).filter((name) => !name.startsWith('.')).sort()).toEqual([
        'alice_open-table',
        'bob_nc-table',
      ]);
    } finally {
      await ctx.close();
    }
  });
});
