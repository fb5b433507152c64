import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { datasetIdFromRef } from '../../pipeline/ids.ts';
import { scrapeDatasets } from '../../pipeline/stages/scrape/index.ts';
import { fixtureRoot, harness, readTree, removeDir, tempDir } from './helpers.ts';
import { KaggleServer } from './server/index.ts';

const token = 'KGAT_e2e_token_0123456789abcdef';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe.each(['rpc', 'rest'] as const)(
  'the Kaggle source, %s URL style, against the loopback server',
  (style) => {
    it('lists, reads metadata and downloads all 36 fixture datasets, byte-identical to the mirror', async () => {
      const server = await KaggleServer.start({
        root: fixtureRoot,
        acceptedAuthorizations: [`Bearer ${token}`],
      });
      const dir = await tempDir();
      cleanups.push(
        () => server.close(),
        () => removeDir(dir),
      );
      const h = harness({ dir, baseUrl: server.url, style, env: { KAGGLE_API_TOKEN: token } });

      const items = await h.source.list(h.ctx);
      // index.json lists 37 items, one of them twice: the source de-duplicates.
      expect(items).toHaveLength(36);
      expect(new Set(items.map((item) => item.ref)).size).toBe(36);
      const listRequests = server.requestsFor({ op: 'list' });
      expect(listRequests.map((r) => r.style)).toEqual(
        style === 'rpc' ? ['rpc', 'rpc'] : ['rest', 'rest', 'rest'],
      );

      const summary = await scrapeDatasets(h.ctx, h.source, items);
      expect(summary.failures).toEqual([]);
      expect(summary.ok).toBe(36);

      for (const item of items) {
        const [owner, slug] = item.ref.split('/') as [string, string];
        const raw = join(h.ctx.paths.raw, datasetIdFromRef(item.ref));
        const expected = await readTree(join(fixtureRoot, owner, slug, 'files'));
        const actual = await readTree(join(raw, 'files'));
        expect([...actual.keys()]).toEqual([...expected.keys()]);
        for (const [name, bytes] of expected)
          expect(actual.get(name)?.equals(bytes), `${item.ref}/${name}`).toBe(true);

        const metadata = JSON.parse(await readFile(join(raw, 'metadata.json'), 'utf8'));
        const mirrored = JSON.parse(await readFile(join(fixtureRoot, owner, slug, 'metadata.json'), 'utf8'));
        expect(metadata.info.description).toBe(mirrored.info.description);
        expect(metadata.datasetFiles[0].description).toBe(`About ${slug}.csv`);
        expect(metadata.datasetFiles[0].columns.length).toBeGreaterThan(0);
      }

      // run.concurrency is 2, kaggle.download_concurrency 1: one bundle at a time.
      expect(server.peakStorage).toBe(1);
      const storage = server.requestsFor({ op: 'storage' });
      expect(storage).toHaveLength(36);
      // Credentials go to the API only, never to the signed storage URL.
      expect(storage.every((r) => r.authorization === undefined)).toBe(true);
      expect(
        server.requests
          .filter((r) => r.style !== 'storage')
          .every((r) => r.authorization === `Bearer ${token}`),
      ).toBe(true);
      expect(server.requests.every((r) => r.style === style || r.style === 'storage')).toBe(true);
      // Nothing left behind in the download cache.
      expect([...(await readTree(join(h.ctx.paths.raw, '.downloads'))).keys()]).toEqual([]);
    });
  },
);
