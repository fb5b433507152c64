import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asDatasetId } from '../../pipeline/ids.ts';
import type { Source } from '../../pipeline/sources/source.ts';
import { scrapeDatasets } from '../../pipeline/stages/scrape/index.ts';
import { readStatus } from '../../pipeline/store/status.ts';
import { pathExists } from '../../pipeline/util/fs.ts';
import { testContext, testdir } from '../support/testdir.ts';

/** A source at the boundary: every dataset is one small csv named after its ref. */
const source: Source = {
  kind: 'mirror',
  list: () => Promise.resolve([]),
  metadata: (_ctx, ref) => Promise.resolve({ info: { title: ref } }),
  download: async (_ctx, item, dir) => writeFile(join(dir, 'data.csv'), `ref\n${item.ref}\n`),
};

describe('two refs that map to one dataset id', () => {
  it('are both rejected id_collision, naming both refs, and neither is written', async () => {
    const root = await testdir();
    const ctx = testContext(root);
    const items = [
      { ref: 'a_b/c' },
      { ref: 'a/b_c' },
      { ref: 'Own/Data' },
      { ref: 'own/data' },
      { ref: 'own/fine' },
    ];
    const summary = await scrapeDatasets(ctx, source, items);
    expect(summary).toMatchObject({ ok: 1, rejected: { id_collision: 3 } });
    const outcome = (await readStatus(ctx.paths, 'scrape', asDatasetId('a_b_c')))?.outcome;
    expect(outcome).toMatchObject({ status: 'rejected', reason: 'id_collision' });
    expect(outcome?.detail).toContain('a/b_c and a_b/c');
    for (const id of ['Own_Data', 'own_data']) {
      expect((await readStatus(ctx.paths, 'scrape', asDatasetId(id)))?.outcome.detail).toContain(
        'Own/Data and own/data',
      );
    }
    expect(await pathExists(ctx.paths.rawDir(asDatasetId('a_b_c')))).toBe(false);
    expect(await pathExists(join(ctx.paths.rawFilesDir(asDatasetId('own_fine')), 'data.csv'))).toBe(true);
  });
});
