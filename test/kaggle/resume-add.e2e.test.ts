import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addDatasets } from '../../pipeline/commands/add.ts';
import { datasetIdFromRef } from '../../pipeline/ids.ts';
import { scrapeDatasets } from '../../pipeline/stages/scrape/index.ts';
import { fixtureRoot, harness, readTree, removeDir, tempDir } from './helpers.ts';
import { KaggleServer } from './server/index.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function start() {
  const server = await KaggleServer.start({ root: fixtureRoot });
  const dir = await tempDir();
  cleanups.push(
    () => server.close(),
    () => removeDir(dir),
  );
  return { server, dir };
}

describe('resuming downloads', () => {
  const ref = 'albertobircoci/top10-cryptocurrencies-03-2025';
  const expectIdentical = async (filesDir: string) => {
    const expected = await readTree(
      join(fixtureRoot, 'albertobircoci', 'top10-cryptocurrencies-03-2025', 'files'),
    );
    const actual = await readTree(filesDir);
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [name, bytes] of expected) expect(actual.get(name)?.equals(bytes)).toBe(true);
  };

  it('resumes a stalled transfer with Range after the idle timeout, within one run', async () => {
    const { server, dir } = await start();
    server.faults.push({ ref, op: 'storage', times: 1, fault: { kind: 'stall', afterBytes: 30_000 } });
    const h = harness({ dir, baseUrl: server.url, style: 'rpc', kaggle: { request_timeout_ms: 800 } });
    const item = await h.source.item(h.ctx, ref);
    const filesDir = join(dir, 'files');
    await mkdir(filesDir, { recursive: true });
    await h.source.download(h.ctx, item, filesDir);
    expect(server.requestsFor({ ref, op: 'storage' }).map((r) => r.range)).toEqual([
      undefined,
      'bytes=30000-',
    ]);
    await expectIdentical(filesDir);
  });

  it('continues a download interrupted in an earlier run from its .part file with Range', async () => {
    const { server, dir } = await start();
    server.faults.push({ ref, op: 'storage', times: 1, fault: { kind: 'stall', afterBytes: 30_000 } });
    const first = harness({
      dir,
      baseUrl: server.url,
      style: 'rest',
      kaggle: { request_timeout_ms: 800, retry: { max_attempts: 1 } },
    });
    const item = await first.source.item(first.ctx, ref);
    const filesDir = join(dir, 'files-1');
    await mkdir(filesDir, { recursive: true });
    await expect(first.source.download(first.ctx, item, filesDir)).rejects.toThrow(
      /transfer interrupted at 30000 bytes.*gave up after 1/,
    );
    const part = join(
      first.ctx.paths.raw,
      '.downloads',
      `${datasetIdFromRef(ref)}-v${item.currentVersionNumber}.zip.part`,
    );
    expect((await stat(part)).size).toBe(30_000);

    const second = harness({ dir, baseUrl: server.url, style: 'rest' });
    const filesDir2 = join(dir, 'files-2');
    await mkdir(filesDir2, { recursive: true });
    await second.source.download(second.ctx, item, filesDir2);
    expect(server.requestsFor({ ref, op: 'storage' }).map((r) => r.range)).toEqual([
      undefined,
      'bytes=30000-',
    ]);
    expect(second.lines.join('')).toContain('resumed at byte 30000');
    await expectIdentical(filesDir2);
    expect(await readdir(join(second.ctx.paths.raw, '.downloads'))).toEqual([]);
  });

  it('reuses a kept archive whose recorded size and MD5 still match (keep_archives)', async () => {
    const { server, dir } = await start();
    const ref = 'carlmcbrideellis/data-anscombes-quartet';
    const h = harness({ dir, baseUrl: server.url, style: 'rpc', kaggle: { keep_archives: true } });
    const item = await h.source.item(h.ctx, ref);
    const cache = join(h.ctx.paths.raw, '.downloads');
    const id = datasetIdFromRef(ref);
    await mkdir(cache, { recursive: true });
    // Leftovers of an older version, and another dataset whose id merely starts the same.
    for (const name of [`${id}-v0.zip`, `${id}-v0.zip.json`, `${id}-v0.zip.part`, `${id}-v0-extra-v1.zip`]) {
      await writeFile(join(cache, name), 'old');
    }
    for (const name of ['a', 'b']) {
      await mkdir(join(dir, name), { recursive: true });
      await h.source.download(h.ctx, item, join(dir, name));
    }
    expect(server.requestsFor({ ref, op: 'storage' })).toHaveLength(1);
    expect(await readTree(join(dir, 'b'))).toEqual(await readTree(join(dir, 'a')));
    const version = item.currentVersionNumber;
    expect((await readdir(cache)).sort()).toEqual([
      `${id}-v0-extra-v1.zip`,
      `${id}-v${version}.zip`,
      `${id}-v${version}.zip.json`,
    ]);
  });
  it('asks storage with If-Modified-Since for a kept archive of an unversioned dataset', async () => {
    const { server, dir } = await start();
    const ref = 'carlmcbrideellis/data-anscombes-quartet';
    const h = harness({ dir, baseUrl: server.url, style: 'rest', kaggle: { keep_archives: true } });
    const item = { ...(await h.source.item(h.ctx, ref)), currentVersionNumber: undefined };
    for (const name of ['a', 'b']) {
      await mkdir(join(dir, name), { recursive: true });
      await h.source.download(h.ctx, item, join(dir, name));
    }
    const storage = server.requestsFor({ ref, op: 'storage' });
    expect(storage.map((r) => r.ifModifiedSince)).toEqual([undefined, 'Wed, 01 Jan 2025 00:00:00 GMT']);
    expect(h.lines.join('')).toContain('not modified since');
    expect(await readTree(join(dir, 'b'))).toEqual(await readTree(join(dir, 'a')));
  });
});

describe('dare-forge add', () => {
  it('after a full scrape, fetches only the new dataset; skips a known version; refetches a newer one', async () => {
    const { server, dir } = await start();
    const newcomer = 'marshalpatel3558/diabetes-prediction-dataset-legit-dataset';
    server.hidden.add(newcomer);
    const h = harness({ dir, baseUrl: server.url, style: 'rpc' });
    const full = await scrapeDatasets(h.ctx, h.source, await h.source.list(h.ctx));
    expect(full.ok).toBe(35);

    server.hidden.delete(newcomer);
    let before = server.requests.length;
    const added = await addDatasets(h.ctx, h.source, [newcomer]);
    const fetched = server.requests.slice(before);
    expect(fetched.map((r) => r.op)).toEqual(['view', 'metadata', 'files', 'download', 'storage']);
    expect(fetched.every((r) => r.ref === newcomer)).toBe(true);
    expect(added.summary?.ok).toBe(1);
    const id = datasetIdFromRef(newcomer);
    expect(await readdir(join(h.ctx.paths.raw, id, 'files'))).toEqual([
      'diabetes-prediction-dataset-legit-dataset.csv',
    ]);

    // Already there at the same version: one lookup, nothing fetched.
    before = server.requests.length;
    const again = await addDatasets(h.ctx, h.source, [newcomer, 'carlmcbrideellis/data-anscombes-quartet']);
    expect(server.requests.slice(before).map((r) => r.op)).toEqual(['view', 'view']);
    expect(again.skipped.map((s) => s.id)).toEqual([id, 'carlmcbrideellis_data-anscombes-quartet']);
    expect(again.summary).toBeUndefined();

    // A newer version is fetched again and recorded in scrape.json.
    server.versions.set(newcomer, 99);
    const bumped = await addDatasets(h.ctx, h.source, [newcomer]);
    expect(bumped.fetched).toEqual([{ id, from: expect.any(Number), to: 99 }]);
    const record = JSON.parse(await readFile(join(h.ctx.paths.raw, id, 'scrape.json'), 'utf8'));
    expect(record.version).toBe(99);

    // Unknown refs are reported, not fatal.
    const missing = await addDatasets(h.ctx, h.source, ['nobody/nothing-here']);
    expect(missing.failed).toEqual([
      expect.objectContaining({ ref: 'nobody/nothing-here', reason: 'kaggle_not_found' }),
    ]);
  });
});
