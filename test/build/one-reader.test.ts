import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Context } from '../../pipeline/context.ts';
import { asDatasetId, type DatasetId } from '../../pipeline/ids.ts';
import { run as build } from '../../pipeline/stages/build/index.ts';
import { loadTable, mainTableReader } from '../../pipeline/stages/build/table.ts';
import { run as draft } from '../../pipeline/stages/draft/index.ts';
import { run as profile } from '../../pipeline/stages/profile/index.ts';
import { readStatus } from '../../pipeline/store/status.ts';
import { formatCsv } from '../../pipeline/util/csv.ts';
import { openSqlite } from '../../pipeline/util/sqlite.ts';
import { markScraped } from '../profile/support.ts';
import { testContext, testdir } from '../support/testdir.ts';

/** raw/<id>/ as scrape leaves it: files, listing, metadata and an ok scrape status. */
async function scraped(ctx: Context, name: string, files: Record<string, string | Uint8Array>) {
  const id = asDatasetId(`owner_${name}`);
  const { mkdir } = await import('node:fs/promises');
  const raw = ctx.paths.rawDir(id);
  await mkdir(ctx.paths.rawFilesDir(id), { recursive: true });
  for (const [file, content] of Object.entries(files))
    await writeFile(join(ctx.paths.rawFilesDir(id), file), content);
  await writeFile(
    join(raw, 'listing.json'),
    JSON.stringify({ ref: `owner/${name}`, title: `Shoppers ${name}` }),
  );
  await writeFile(
    join(raw, 'metadata.json'),
    JSON.stringify({
      info: { title: `Shoppers ${name}`, description: 'Whether a shopper bought, by age and town.' },
    }),
  );
  await markScraped(ctx.paths, id);
  return id;
}

const towns = ['Zürich', 'Malmö', 'Besançon', 'Genève', 'São Paulo'];
function shoppers(rows = 120): (string | null)[][] {
  return Array.from({ length: rows }, (_, r) => [
    String(18 + (r % 50)),
    String(1000 + ((r * 37) % 900)),
    towns[r % 4] ?? null,
    r % 3 === 0 ? 'yes' : 'no',
  ]);
}
const header = ['age', 'income', 'town', 'purchased'];

async function outcomes(ctx: Context, ids: DatasetId[]) {
  await profile(ctx);
  await draft(ctx);
  await build(ctx);
  const result: Record<string, { profile?: string; build?: string; reason?: string }> = {};
  for (const id of ids) {
    const p = await readStatus(ctx.paths, 'profile', id);
    const b = await readStatus(ctx.paths, 'build', id);
    result[id] = {
      profile: p?.outcome.status,
      build: b?.outcome.status,
      reason: (b?.outcome as { reason?: string } | undefined)?.reason,
    };
  }
  return result;
}

describe('one reader decides what a table is, for profile and build', () => {
  it('builds every csv profile accepts: latin-1, ragged (short and long rows), gzipped', async () => {
    const root = await testdir();
    const ctx = testContext(root);
    const text = formatCsv(header, shoppers());
    const lines = text.trimEnd().split('\n');
    const ids = [
      await scraped(ctx, 'latin1', { 'shoppers.csv': Buffer.from(text, 'latin1') }),
      // Rows with a field missing at the end, and rows with one field too many.
      await scraped(ctx, 'short', {
        'shoppers.csv': lines
          .map((l, i) => (i > 0 && i % 7 === 0 ? l.replace(/,[^,]*$/, ',') : l))
          .join('\n'),
      }),
      await scraped(ctx, 'ragged', {
        'shoppers.csv': lines
          .map((l, i) => (i > 0 && i % 9 === 0 ? l.slice(0, l.lastIndexOf(',')) : l))
          .join('\n'),
      }),
      await scraped(ctx, 'gzipped', { 'shoppers.csv.gz': gzipSync(text) }),
    ];
    const result = await outcomes(ctx, ids);
    for (const id of ids) {
      expect(result[id], id).toMatchObject({ profile: 'ok', build: 'ok' });
    }
    // The latin-1 cells arrive as written, not as replacement characters, in build's reader.
    const latin1 = ids[0] as DatasetId;
    const profiled = JSON.parse(await readFile(ctx.paths.artifact(latin1, 'profile.json'), 'utf8'));
    expect(profiled.tables[0].dialect).toMatchObject({ encoding: 'latin-1' });
    const table = await loadTable(
      await ctx.duckdb(),
      join(ctx.paths.rawFilesDir(latin1), 'shoppers.csv'),
      profiled.tables[0].dialect,
    );
    expect(new Set(table.rows.map((row) => row[2]))).toEqual(new Set(towns.slice(0, 4)));
    const summary = JSON.parse(await readFile(ctx.paths.artifact(latin1, 'build.json'), 'utf8'));
    expect(summary.tasks.find((t: { family: string }) => t.family === 'classification').status).toBe('built');
    await ctx.close();
  });

  it('rejects a table that no longer reads as profile described it (profile_mismatch)', async () => {
    const root = await testdir();
    const ctx = testContext(root);
    const text = formatCsv(header, shoppers());
    const ids = [
      await scraped(ctx, 'widened', { 'shoppers.csv': text }),
      await scraped(ctx, 'renamed', { 'shoppers.csv': text }),
    ];
    await profile(ctx);
    await draft(ctx);
    const { writeFile } = await import('node:fs/promises');
    const [widened, renamed] = ids as [DatasetId, DatasetId];
    const rows = shoppers();
    await writeFile(
      join(ctx.paths.rawFilesDir(widened), 'shoppers.csv'),
      formatCsv(
        [...header, 'extra'],
        rows.map((r) => [...r, 'x']),
      ),
    );
    await writeFile(
      join(ctx.paths.rawFilesDir(renamed), 'shoppers.csv'),
      formatCsv(['AGE', 'income', 'town', 'purchased'], rows),
    );
    await build(ctx);
    for (const id of ids) {
      const status = await readStatus(ctx.paths, 'build', id);
      expect(status?.outcome, id).toMatchObject({ status: 'rejected', reason: 'profile_mismatch' });
      expect(JSON.stringify(status?.outcome)).toMatch(
        /profile\.json lists 4 \[age, income, town, purchased\]; rerun profile/,
      );
    }
  });

  it('ends a table past build.max_table_rows as a rejection of that dataset, not a failed run', async () => {
    const root = await testdir();
    const ctx = testContext(root, 'build:\n  max_table_rows: 150\n');
    const big = await scraped(ctx, 'big', { 'shoppers.csv': formatCsv(header, shoppers(400)) });
    const small = await scraped(ctx, 'small', { 'shoppers.csv': formatCsv(header, shoppers(120)) });
    await profile(ctx);
    await draft(ctx);
    const summary = await build(ctx);
    expect(summary).toMatchObject({ ok: 1, rejected: { table_too_large: 1 }, errors: {} });
    expect((await readStatus(ctx.paths, 'build', big))?.outcome).toMatchObject({
      status: 'rejected',
      reason: 'table_too_large',
    });
    expect((await readStatus(ctx.paths, 'build', small))?.outcome.status).toBe('ok');
  });

  it('rejects tables wider than profile.max_columns at profile (csv and parquet), naming the cap', async () => {
    const root = await testdir();
    const ctx = testContext(root);
    const wide = Array.from({ length: 5000 }, (_, i) => `c${i}`);
    const csv = formatCsv(wide, [wide.map((_, i) => String(i)), wide.map((_, i) => String(i * 2))]);
    const ids = [await scraped(ctx, 'widecsv', { 'wide.csv': csv })];
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const duck = await DuckDBInstance.create(':memory:');
    const conn = await duck.connect();
    const parquet = join(root, 'wide.parquet');
    await conn.run(
      `COPY (SELECT ${wide.map((c, i) => `${i} AS ${c}`).join(', ')}) TO '${parquet}' (FORMAT parquet)`,
    );
    conn.closeSync();
    duck.closeSync();
    ids.push(await scraped(ctx, 'wideparquet', { 'wide.parquet': await readFile(parquet) }));
    await profile(ctx);
    for (const id of ids) {
      const status = await readStatus(ctx.paths, 'profile', id);
      expect(status?.outcome.status, id).toBe('rejected');
      expect(JSON.stringify(status?.outcome)).toMatch(
        /too_many_columns.*5000 columns, more than profile\.max_columns \(1000\)/,
      );
    }
  });
});

describe('inflated sizes and endless views', () => {
  it('rejects gzip files by their inflated size, counted up to the cap', async () => {
    const root = await testdir();
    // 1: a bomb, far past 100x its size and past the 64 MiB floor. 2: under the ratio, but past max_file_bytes.
    const bomb = gzipSync(`a,b\n${'1,2\n'.repeat(20 * 1024 ** 2)}`, { level: 9 });
    const plain = gzipSync(formatCsv(header, shoppers(40000)));
    const limit = 3 * plain.length;
    const ctx = testContext(root);
    const small = testContext(await testdir(), `profile:\n  max_file_bytes: ${limit}\n`);
    const ids: [Context, DatasetId][] = [
      [ctx, await scraped(ctx, 'bomb', { 'bomb.csv.gz': bomb })],
      [small, await scraped(small, 'fat', { 'fat.csv.gz': plain })],
    ];
    expect(bomb.length).toBeLessThan(1024 ** 2);
    expect(formatCsv(header, shoppers(40000)).length).toBeGreaterThan(limit);
    await profile(ctx);
    await profile(small);
    for (const [ctx, id] of ids) {
      const status = await readStatus(ctx.paths, 'profile', id);
      expect(status?.outcome.status, id).toBe('rejected');
      expect(JSON.stringify(status?.outcome), id).toMatch(
        /inflated_too_large.*[a-z]+\.csv\.gz inflates to more than/,
      );
    }
  });

  it('never opens a SQLite file, so a VIEW over an endless recursive query cannot hang profile or build', async () => {
    const root = await testdir();
    const ctx = testContext(root);
    const path = join(root, 'endless.sqlite');
    const db = await openSqlite();
    db.exec(
      'CREATE VIEW endless AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r;',
    );
    db.exec('CREATE VIEW forever AS SELECT a.n FROM endless a, endless b;');
    await writeFile(path, db.export());
    db.close();
    const id = await scraped(ctx, 'endless', {
      'endless.sqlite': await readFile(path),
      'also.db': await readFile(path),
      'shoppers.csv': formatCsv(header, shoppers()),
    });
    await profile(ctx);
    const written = JSON.parse(await readFile(ctx.paths.artifact(id, 'profile.json'), 'utf8'));
    expect(written.tables.map((t: { file: string }) => t.file)).toEqual(['shoppers.csv']);
    expect(written.skipped_files.map((s: { reason: string }) => s.reason.split(':')[0])).toEqual([
      'sqlite_unsupported',
      'sqlite_unsupported',
    ]);
    for (const file of ['endless.sqlite', 'also.db'])
      expect(() => mainTableReader(join(ctx.paths.rawFilesDir(id), file))).toThrow(
        expect.objectContaining({ reason: 'unsupported_table_format' }),
      );
  });
});
