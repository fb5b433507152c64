import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InfraError, UserError } from '../../pipeline/errors.ts';
import { datasetIdFromRef } from '../../pipeline/ids.ts';
import { scrapeDatasets } from '../../pipeline/stages/scrape/index.ts';
import { fixtureRoot, harness, readTree, removeDir, tempDir } from './helpers.ts';
import { type FaultRule, KaggleServer } from './server/index.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(style: 'rpc' | 'rest', faults: FaultRule[], kaggle: Record<string, unknown> = {}) {
  const server = await KaggleServer.start({ root: fixtureRoot });
  server.faults.push(...faults);
  const dir = await tempDir();
  cleanups.push(
    () => server.close(),
    () => removeDir(dir),
  );
  const h = harness({ dir, baseUrl: server.url, style, kaggle });
  return { server, dir, ...h };
}

const refs = {
  unauthorized: 'waszabbyryugami/fda-medical-device-with-de-novo-certification',
  forbidden: 'hemajitpatel/superheros-abilities-dataset',
  missing: 'rakeshkapilavai/extrovert-vs-introvert-behavior-data',
  throttled: 'azminetoushikwasi/aqi-air-quality-index-scheduled-daily-update',
  reset: 'adilshamim8/apple-stock-price-trends',
  truncated: 'hbugrae/best-selling-steam-games-of-all-time',
  storage500: 'ayushmanyashaswi/car-data-small-dataset-good-for-learning',
  evil: 'denvermagtibay/metro-manila-flood-prediction-20162020-daily',
  bomb: 'aimlveera/counterfeit-product-detection-dataset',
  symlink: 'ehsanesmaeili/red-and-white-wine-quality-merged',
  nested: 'kalilurrahman/netflix-stock-data-live-and-latest',
  down: 'sahideseker/student-performance-estimation',
  bodyError: 'abhishekjaiswal4896/store-sales-dataset',
  many: 'bahadirbor/bist-automotive-stocks',
  badMd5: 'poushal02/student-academic-stress-real-world-dataset',
  errorMessage: 'shahriarkabir/linear-performance-pricing-lpp-pricing-dataset',
};

describe.each(['rpc', 'rest'] as const)('faults, %s style', (style) => {
  it('ends each fault as the right retry or rejection while the other datasets complete', async () => {
    const { server, ctx, source, timing, dir } = await setup(
      style,
      [
        { op: 'list', nth: 1, times: 1, fault: { kind: 'status', status: 503 } },
        { ref: refs.unauthorized, op: 'metadata', fault: { kind: 'status', status: 401 } },
        { ref: refs.forbidden, op: 'download', fault: { kind: 'status', status: 403 } },
        { ref: refs.missing, op: 'metadata', fault: { kind: 'status', status: 404 } },
        {
          ref: refs.throttled,
          op: 'metadata',
          times: 2,
          fault: { kind: 'status', status: 429, retryAfter: '7' },
        },
        { ref: refs.reset, op: 'storage', times: 1, fault: { kind: 'reset', afterBytes: 20_000 } },
        { ref: refs.truncated, op: 'storage', times: 1, fault: { kind: 'truncate', afterBytes: 10_000 } },
        { ref: refs.storage500, op: 'storage', times: 2, fault: { kind: 'status', status: 500 } },
        { ref: refs.evil, op: 'storage', fault: { kind: 'zip', zip: 'evil' } },
        { ref: refs.bomb, op: 'storage', fault: { kind: 'zip', zip: 'bomb' } },
        { ref: refs.symlink, op: 'storage', fault: { kind: 'zip', zip: 'symlink' } },
        { ref: refs.nested, op: 'storage', fault: { kind: 'zip', zip: 'nested' } },
        { ref: refs.many, op: 'storage', fault: { kind: 'zip', zip: 'many' } },
        { ref: refs.badMd5, op: 'storage', times: 1, fault: { kind: 'bad-md5' } },
        {
          ref: refs.errorMessage,
          op: 'metadata',
          fault: { kind: 'error-message', message: 'Permission denied' },
        },
        { ref: refs.down, op: 'metadata', fault: { kind: 'status', status: 500 } },
        { ref: refs.bodyError, op: 'metadata', times: 1, fault: { kind: 'body-error', code: 429 } },
      ],
      {
        extract: { max_compression_ratio: 100, ratio_floor_bytes: 1024 * 1024, max_entries: 20 },
      },
    );
    const items = await source.list(ctx);
    expect(items).toHaveLength(36);
    const summary = await scrapeDatasets(ctx, source, items);

    const outcomes = Object.fromEntries(summary.failures.map((f) => [f.id, `${f.status}:${f.reason}`]));
    const id = (ref: string) => datasetIdFromRef(ref);
    expect(outcomes).toEqual({
      [id(refs.unauthorized)]: 'rejected:kaggle_unauthorized',
      [id(refs.forbidden)]: 'rejected:kaggle_forbidden',
      [id(refs.missing)]: 'rejected:kaggle_not_found',
      [id(refs.evil)]: 'rejected:unsafe_archive_path',
      [id(refs.bomb)]: 'rejected:archive_bomb',
      [id(refs.symlink)]: 'rejected:unsafe_archive_path',
      [id(refs.nested)]: 'rejected:nested_archive',
      [id(refs.many)]: 'rejected:archive_too_many_entries',
      [id(refs.down)]: 'error:kaggle_unavailable',
      [id(refs.errorMessage)]: 'rejected:kaggle_error_message',
    });
    expect(summary.ok).toBe(36 - 10);
    const down = summary.failures.find((f) => f.id === id(refs.down));
    expect(down?.detail).toMatch(/HTTP 500.*gave up after 4 attempts/);

    // Not retried: one request each.
    expect(server.requestsFor({ ref: refs.unauthorized, op: 'metadata' })).toHaveLength(1);
    expect(server.requestsFor({ ref: refs.forbidden, op: 'download' })).toHaveLength(1);
    expect(server.requestsFor({ ref: refs.missing, op: 'metadata' })).toHaveLength(1);
    // Retried: 429 twice (Retry-After 7 s is the floor of the wait), 5xx, body error.
    expect(server.requestsFor({ ref: refs.throttled, op: 'metadata' })).toHaveLength(3);
    expect(timing.sleeps.filter((ms) => ms === 7000)).toHaveLength(2);
    expect(server.requestsFor({ ref: refs.storage500, op: 'storage' })).toHaveLength(3);
    expect(server.requestsFor({ ref: refs.bodyError, op: 'metadata' })).toHaveLength(2);
    expect(server.requestsFor({ ref: refs.down, op: 'metadata' })).toHaveLength(4);
    expect(server.requestsFor({ op: 'list' }).filter((r) => r.fault === 'status')).toHaveLength(1);
    // A body that does not match the announced MD5 is thrown away and fetched whole again.
    expect(server.requestsFor({ ref: refs.badMd5, op: 'storage' }).map((r) => r.range)).toEqual([
      undefined,
      undefined,
    ]);
    // Interrupted transfers are retried (resumed with Range from whatever reached the disk;
    // resume-add.e2e.test.ts pins the exact offsets with a stalled transfer).
    for (const ref of [refs.reset, refs.truncated]) {
      expect(server.requestsFor({ ref, op: 'storage' })).toHaveLength(2);
      const [owner, slug] = ref.split('/') as [string, string];
      const expected = await readTree(join(fixtureRoot, owner, slug, 'files'));
      const actual = await readTree(join(ctx.paths.raw, id(ref), 'files'));
      expect([...actual.values()].map((b) => b.length)).toEqual([...expected.values()].map((b) => b.length));
      expect([...actual.values()][0]?.equals([...expected.values()][0] as Buffer)).toBe(true);
    }
    // Nothing escaped: no evil.csv anywhere, no raw folder for refused datasets.
    const everything = await readdir(dir, { recursive: true });
    expect(everything.filter((name) => name.endsWith('evil.csv'))).toEqual([]);
    expect(everything).not.toContain(join('raw', id(refs.evil)));
  });
});

describe('slow answers', () => {
  it('abandons a response slower than request_timeout_ms and retries it', async () => {
    const ref = 'abhinav099802/algerian-forest-fire-dataset-no-errors';
    const { server, ctx, source } = await setup(
      'rpc',
      [{ ref, op: 'metadata', times: 1, fault: { kind: 'slow', delayMs: 4000 } }],
      { request_timeout_ms: 300 },
    );
    const metadata = await source.metadata(ctx, ref);
    expect(metadata.info.datasetSlug).toBe('algerian-forest-fire-dataset-no-errors');
    expect(server.requestsFor({ ref, op: 'metadata' }).map((r) => r.fault)).toEqual(['slow', undefined]);
  });
});

describe('listing failures', () => {
  it('stops with an InfraError when Kaggle cannot be reached at all', async () => {
    const server = await KaggleServer.start({ root: fixtureRoot });
    const url = server.url;
    await server.close();
    const dir = await tempDir();
    cleanups.push(() => removeDir(dir));
    const h = harness({ dir, baseUrl: url, style: 'rest' });
    const error = await h.source.list(h.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfraError);
    expect((error as Error).message).toMatch(
      /Kaggle listing failed: list page 1: network error .*gave up after 4 attempts/,
    );
    expect(h.timing.sleeps).toHaveLength(3);
  });

  it('turns a 401 on listing into a UserError that says how to set credentials', async () => {
    const server = await KaggleServer.start({ root: fixtureRoot, acceptedAuthorizations: ['Bearer right'] });
    const dir = await tempDir();
    cleanups.push(
      () => server.close(),
      () => removeDir(dir),
    );
    const h = harness({ dir, baseUrl: server.url, style: 'rpc', env: { KAGGLE_API_TOKEN: 'wrong-token' } });
    const error = await h.source.list(h.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(
      /HTTP 401; credentials from KAGGLE_API_TOKEN\).*KAGGLE_USERNAME and KAGGLE_KEY/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('gives up on a Retry-After beyond kaggle.retry.max_retry_after_ms without waiting', async () => {
    const { server, ctx, source, timing } = await setup('rest', [
      {
        op: 'list',
        fault: { kind: 'status', status: 429, retryAfter: new Date(Date.now() + 3_600_000).toUTCString() },
      },
    ]);
    const error = await source.list(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfraError);
    expect((error as Error).message).toMatch(/asks to wait \d+ s .*max_retry_after_ms/);
    expect(server.requests).toHaveLength(1);
    expect(timing.sleeps).toEqual([]);
  });
});
