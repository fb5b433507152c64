import { afterEach, describe, expect, it } from 'vitest';
import { scrapeDatasets } from '../../pipeline/stages/scrape/index.ts';
import { fixtureRoot, harness, removeDir, tempDir } from './helpers.ts';
import { KaggleServer } from './server/index.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const nested = 'kalilurrahman/netflix-stock-data-live-and-latest';

/**
 * A rejection that comes from a setting (the nested_archive message itself says to set
 * kaggle.extract.allow_nested_archives) must not stay "fresh" once the setting changes.
 */
describe('scrape freshness follows the settings that accept or reject a download', () => {
  it('scrapes a rejected dataset again after kaggle.extract is loosened', async () => {
    const server = await KaggleServer.start({ root: fixtureRoot });
    server.faults.push({ ref: nested, op: 'storage', fault: { kind: 'zip', zip: 'nested' } });
    const dir = await tempDir();
    cleanups.push(
      () => server.close(),
      () => removeDir(dir),
    );
    const strict = harness({ dir, baseUrl: server.url, style: 'rpc' });
    const items = (await strict.source.list(strict.ctx)).filter((item) => item.ref === nested);
    expect(items).toHaveLength(1);
    const first = await scrapeDatasets(strict.ctx, strict.source, items);
    expect(first.failures.map((f) => f.reason)).toEqual(['nested_archive']);

    const loose = harness({
      dir,
      baseUrl: server.url,
      style: 'rpc',
      kaggle: { extract: { allow_nested_archives: true } },
    });
    const second = await scrapeDatasets(loose.ctx, loose.source, items);
    expect(second).toMatchObject({ fresh: 0, processed: 1, ok: 1 });

    // Unchanged settings: fresh again, nothing downloaded.
    const downloads = server.requestsFor({ ref: nested, op: 'storage' }).length;
    const third = await scrapeDatasets(loose.ctx, loose.source, items);
    expect(third).toMatchObject({ fresh: 1, ok: 1 });
    expect(server.requestsFor({ ref: nested, op: 'storage' })).toHaveLength(downloads);
  });
});
