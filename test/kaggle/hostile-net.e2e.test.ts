import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InfraError } from '../../pipeline/errors.ts';
import { datasetIdFromRef } from '../../pipeline/ids.ts';
import { downloadByteLimit } from '../../pipeline/sources/kaggle/download.ts';
import { scrapeDatasets } from '../../pipeline/stages/scrape/index.ts';
import { fixtureRoot, harness, removeDir, tempDir } from './helpers.ts';
import { type FaultRule, KaggleServer } from './server/index.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const MiB = 1024 ** 2;

async function setup(faults: FaultRule[], kaggle: Record<string, unknown> = {}, baseUrl?: string) {
  const server = await KaggleServer.start({ root: fixtureRoot });
  server.faults.push(...faults);
  const dir = await tempDir();
  cleanups.push(
    () => server.close(),
    () => removeDir(dir),
  );
  const h = harness({ dir, baseUrl: baseUrl ?? server.url, style: 'rpc', kaggle });
  return { server, dir, ...h };
}

/** Scrapes only `refs` (the others are not part of the test); `strip` drops listing fields. */
async function scrapeOnly(h: Awaited<ReturnType<typeof setup>>, refs: string[], strip: string[] = []) {
  const items = (await h.source.list(h.ctx))
    .filter((item) => refs.includes(item.ref))
    .map((item) => (strip.includes(item.ref) ? { ...item, totalBytes: undefined } : item));
  expect(items).toHaveLength(refs.length);
  const summary = await scrapeDatasets(h.ctx, h.source, items);
  const outcomes = Object.fromEntries(summary.failures.map((f) => [f.id, `${f.status}:${f.reason}`]));
  const details = Object.fromEntries(summary.failures.map((f) => [f.id, f.detail]));
  return { summary, outcomes, details };
}

const id = (ref: string) => datasetIdFromRef(ref);
const downloadsLeft = async (raw: string) => (await readdir(join(raw, '.downloads')).catch(() => [])).sort();

describe('downloads from hostile storage', () => {
  it('stops endless and over-announced bodies at the byte cap and removes the partial file', async () => {
    const declared = 'waszabbyryugami/fda-medical-device-with-de-novo-certification'; // 36,039 bytes listed
    const unlisted = 'hemajitpatel/superheros-abilities-dataset';
    const announced = 'carlmcbrideellis/data-anscombes-quartet';
    const fine = 'poushal02/student-academic-stress-real-world-dataset';
    const h = await setup(
      [
        { ref: declared, op: 'storage', fault: { kind: 'endless' } },
        { ref: unlisted, op: 'storage', fault: { kind: 'endless' } },
        { ref: announced, op: 'storage', fault: { kind: 'oversize', announce: 50 * 1024 ** 3 } },
      ],
      { max_download_bytes: 3 * MiB },
    );
    const { summary, outcomes, details } = await scrapeOnly(
      h,
      [declared, unlisted, announced, fine],
      [unlisted],
    );
    expect(outcomes).toEqual({
      [id(declared)]: 'rejected:download_too_large',
      [id(unlisted)]: 'rejected:download_too_large',
      [id(announced)]: 'rejected:download_too_large',
    });
    expect(summary.ok).toBe(1);
    // The listed size (36,039 bytes, + 10% + 1 MiB) is the cap of the first; the config's 3 MiB of the second.
    expect(details[id(declared)]).toContain(`limit of ${downloadByteLimit(3 * MiB, 36_039)} bytes`);
    expect(details[id(unlisted)]).toContain(`limit of ${3 * MiB} bytes`);
    expect(details[id(announced)]).toContain(`storage announces ${50 * 1024 ** 3} bytes`);
    // Refused for good: one request each, nothing left on disk, and the endless bodies were cut
    // off near the caps (socket buffers aside), not read on and on.
    for (const ref of [declared, unlisted, announced]) {
      expect(h.server.requestsFor({ ref, op: 'storage' })).toHaveLength(1);
    }
    expect(await downloadsLeft(h.ctx.paths.raw)).toEqual([]);
    expect(h.server.storageBytesSent).toBeLessThan(64 * MiB);
  });

  it('re-scrapes a download_too_large dataset once the cap is raised, not before', async () => {
    const ref = 'carlmcbrideellis/data-anscombes-quartet';
    const small = await setup([], { max_download_bytes: 100 });
    const scrape = async (kaggle: Record<string, unknown>) => {
      const h = harness({ dir: small.dir, baseUrl: small.server.url, style: 'rpc', kaggle });
      const items = (await h.source.list(h.ctx)).filter((item) => item.ref === ref);
      return scrapeDatasets(h.ctx, h.source, items);
    };
    expect((await scrape({ max_download_bytes: 100 })).rejected).toEqual({ download_too_large: 1 });
    expect(await scrape({ max_download_bytes: 100 })).toMatchObject({ fresh: 1, processed: 0 });
    expect(small.server.requestsFor({ ref, op: 'storage' })).toHaveLength(1);
    expect(await scrape({})).toMatchObject({ ok: 1, processed: 1 });
    expect(small.server.requestsFor({ ref, op: 'storage' })).toHaveLength(2);
  });

  it('never keeps more than a lying Content-Length announced', async () => {
    const ref = 'carlmcbrideellis/data-anscombes-quartet';
    const h = await setup([{ ref, op: 'storage', fault: { kind: 'oversize', announce: 1000 } }]);
    const { outcomes } = await scrapeOnly(h, [ref]);
    // 1,000 bytes of zeros are no zip: a named rejection, and no .part grew past the announced size.
    expect(outcomes).toEqual({ [id(ref)]: 'rejected:corrupt_archive' });
    expect(await downloadsLeft(h.ctx.paths.raw)).toEqual([]);
    expect(h.server.storageBytesSent).toBeLessThan(64 * MiB);
  });

  it('ends a trickle at download_timeout_ms and a stall that outlasts the retries as download_stalled', async () => {
    const trickle = 'waszabbyryugami/fda-medical-device-with-de-novo-certification';
    const stall = 'albertobircoci/top10-cryptocurrencies-03-2025';
    const h = await setup(
      [
        { ref: trickle, op: 'storage', fault: { kind: 'trickle', intervalMs: 20 } },
        { ref: stall, op: 'storage', fault: { kind: 'stall', afterBytes: 30_000 } },
      ],
      { download_timeout_ms: 1500, request_timeout_ms: 400, retry: { max_attempts: 2 } },
    );
    const { outcomes, details } = await scrapeOnly(h, [trickle, stall]);
    expect(outcomes).toEqual({
      [id(trickle)]: 'error:download_timeout',
      [id(stall)]: 'error:download_stalled',
    });
    expect(details[id(trickle)]).toMatch(/still running after 1500 ms \(kaggle.download_timeout_ms\)/);
    expect(details[id(stall)]).toMatch(/no data for 400 ms.*gave up after 2 attempts/);
    // The trickle's partial file is removed; the stalled one is kept (bounded by the cap) to resume.
    expect(await downloadsLeft(h.ctx.paths.raw)).toEqual([
      `${id(stall)}-v${(await h.source.item(h.ctx, stall)).currentVersionNumber}.zip.part`,
    ]);
  });
});

describe('answers that cannot change are not retried', () => {
  it('rejects NaN, HTML and oversized metadata at once, and names 429 and 5xx storms', async () => {
    const nan = 'waszabbyryugami/fda-medical-device-with-de-novo-certification';
    const html = 'hemajitpatel/superheros-abilities-dataset';
    const huge = 'carlmcbrideellis/data-anscombes-quartet';
    const htmlFiles = 'poushal02/student-academic-stress-real-world-dataset';
    const throttled = 'albertobircoci/top10-cryptocurrencies-03-2025';
    const down = 'sahideseker/student-performance-estimation';
    const h = await setup(
      [
        {
          ref: nan,
          op: 'metadata',
          fault: { kind: 'raw-body', body: '{"info": {"title": "x", "usabilityRating": NaN}}' },
        },
        {
          ref: html,
          op: 'metadata',
          fault: { kind: 'raw-body', body: '<!DOCTYPE html><html>Sign in</html>', contentType: 'text/html' },
        },
        {
          ref: huge,
          op: 'metadata',
          fault: { kind: 'raw-body', body: `{"info": {"description": "${'x'.repeat(400_000)}"}}` },
        },
        { ref: htmlFiles, op: 'files', fault: { kind: 'raw-body', body: '<html>proxy</html>' } },
        { ref: throttled, op: 'metadata', fault: { kind: 'status', status: 429, retryAfter: '2' } },
        { ref: down, op: 'metadata', fault: { kind: 'status', status: 502 } },
      ],
      { max_answer_bytes: 256 * 1024, retry: { max_attempts: 3 } },
    );
    const { outcomes, details } = await scrapeOnly(h, [nan, html, huge, htmlFiles, throttled, down]);
    expect(outcomes).toEqual({
      [id(nan)]: 'rejected:metadata_invalid',
      [id(html)]: 'rejected:metadata_invalid',
      [id(huge)]: 'rejected:kaggle_answer_too_large',
      [id(htmlFiles)]: 'rejected:kaggle_bad_response',
      [id(throttled)]: 'error:kaggle_rate_limited',
      [id(down)]: 'error:kaggle_unavailable',
    });
    expect(details[id(html)]).toContain('not JSON (it starts "<!DOCTYPE html>');
    for (const ref of [nan, html, huge])
      expect(h.server.requestsFor({ ref, op: 'metadata' })).toHaveLength(1);
    expect(h.server.requestsFor({ ref: htmlFiles, op: 'files' })).toHaveLength(1);
    expect(h.server.requestsFor({ ref: throttled, op: 'metadata' })).toHaveLength(3);
    expect(h.server.requestsFor({ ref: down, op: 'metadata' })).toHaveLength(3);
    // Retry-After is waited for (a floor under the backoff).
    expect(h.timing.sleeps.filter((ms) => ms === 2000)).toHaveLength(2);
  });

  it('retries a 408 but not another 4xx such as 409 or 422', async () => {
    const timeout = 'waszabbyryugami/fda-medical-device-with-de-novo-certification';
    const conflict = 'hemajitpatel/superheros-abilities-dataset';
    const unprocessable = 'carlmcbrideellis/data-anscombes-quartet';
    const h = await setup([
      { ref: timeout, op: 'metadata', times: 1, fault: { kind: 'status', status: 408 } },
      { ref: conflict, op: 'metadata', fault: { kind: 'status', status: 409 } },
      { ref: unprocessable, op: 'metadata', fault: { kind: 'status', status: 422 } },
    ]);
    const { summary, outcomes } = await scrapeOnly(h, [timeout, conflict, unprocessable]);
    expect(outcomes).toEqual({
      [id(conflict)]: 'rejected:kaggle_http_error',
      [id(unprocessable)]: 'rejected:kaggle_http_error',
    });
    expect(summary.ok).toBe(1);
    expect(h.server.requestsFor({ ref: timeout, op: 'metadata' })).toHaveLength(2);
    expect(h.server.requestsFor({ ref: conflict, op: 'metadata' })).toHaveLength(1);
    expect(h.server.requestsFor({ ref: unprocessable, op: 'metadata' })).toHaveLength(1);
  });

  it('fails at once, naming the host, when the Kaggle host does not resolve', async () => {
    // A label longer than 63 octets is no DNS name: every resolver refuses it locally (ENOTFOUND)
    // without sending a query, so this test never leaves the machine.
    const host = `${'a'.repeat(70)}.invalid`;
    const h = await setup([], {}, `http://${host}`);
    const error = await h.source.list(h.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfraError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Kaggle listing failed: list page 1: cannot resolve host ${host} \\((ENOTFOUND|EAI_[A-Z]+)\\)`,
      ),
    );
    expect((error as Error).message.split('\n')).toHaveLength(1);
    expect(h.timing.sleeps).toEqual([]);
  });
});
