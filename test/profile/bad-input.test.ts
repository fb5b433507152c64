import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../pipeline/context.ts';
import type { DatasetId } from '../../pipeline/ids.ts';
import type { StageSummary } from '../../pipeline/progress.ts';
import { run } from '../../pipeline/stages/profile/index.ts';
import { type Profile, profileSchema } from '../../pipeline/stages/profile/schema.ts';
import { readStatus } from '../../pipeline/store/status.ts';
import { addScraped, profileContext, tempRoot } from './support.ts';

const wideHeader = Array.from({ length: 5000 }, (_, i) => `c${i}`).join(',');
const wideRow = (r: number) => Array.from({ length: 5000 }, (_, i) => String((i * r) % 7)).join(',');

/** One dataset per kind of bad input, all profiled in the same run. */
const datasets: Record<string, Record<string, string | Uint8Array>> = {
  t_empty: { 'empty.csv': '' },
  t_header_only: { 'header.csv': 'a,b,c\n' },
  t_latin1: { 'latin.csv': Buffer.from('name,score\ncaf\xe9,1\nna\xefve,2\nplain,3\n', 'latin1') },
  t_ragged: { 'ragged.csv': 'a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n' },
  t_names: {
    'names.csv': 'a,a,,"x""y","""; DROP TABLE x; --",\'q\';\n1,2,3,4,5,6\n7,8,9,10,11,12\n',
  },
  t_wide: { 'wide.csv': `${wideHeader}\n${wideRow(1)}\n${wideRow(2)}\n${wideRow(3)}\n` },
  t_json: {
    'records.json': JSON.stringify([
      { id: 1, city: 'Oslo', tags: ['a'] },
      { id: 2, city: 'Rome', tags: [] },
    ]),
  },
  t_json_object: { 'config.json': JSON.stringify({ name: 'x', version: 2 }) },
  t_no_table: {
    'README.txt': 'just words',
    'images/cat.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]),
  },
  t_binary: { 'data.csv': Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0x14, 0, 0xff, 0xfe]) },
  t_multi: {
    'train.csv': 'x,y\n1,2\n3,4\n',
    'test.csv': 'x\n5\n6\n7\n8\n9\n',
    'sample_submission.csv': 'id,y\n1,0\n2,0\n3,0\n4,0\n5,0\n6,0\n7,0\n',
    'broken.csv': '',
    'db.sqlite': 'SQLite format 3\u0000',
  },
  t_nested: { 'deep/er/table.csv': 'k,v\nx,1\ny,2\n' },
  t_missing: { 'na.csv': 'k,v\nNA,1\nnull,\n,3\n' },
};

let root: string;
let ctx: Context;
let summary: StageSummary;
const ids: Record<string, DatasetId> = {};

async function outcome(name: string) {
  return (await readStatus(ctx.paths, 'profile', ids[name] as DatasetId))?.outcome;
}

async function profile(name: string): Promise<Profile> {
  const text = await readFile(join(root, 'processed', name, 'profile.json'), 'utf8');
  return profileSchema.parse(JSON.parse(text));
}

beforeAll(async () => {
  root = await tempRoot();
  for (const [name, files] of Object.entries(datasets)) ids[name] = await addScraped(root, name, files);
  // Above the default cap (1,000): the 5,000-column table is profiled here, rejected by default.
  ctx = profileContext(root, 'profile:\n  max_columns: 6000\n');
  summary = await run(ctx);
});

afterAll(async () => {
  await ctx.close();
  await rm(root, { recursive: true, force: true });
});

describe('profile stage on bad input', () => {
  it('ends every dataset as a profile or a rejection, never an error', () => {
    expect(summary.total).toBe(Object.keys(datasets).length);
    expect(summary.errors).toEqual({});
    expect(summary.rejected).toEqual({ empty_file: 1, no_rows: 1, not_tabular: 2, no_tabular_file: 1 });
  });

  it('rejects with stable reasons and a detail naming the file', async () => {
    expect(await outcome('t_empty')).toMatchObject({
      reason: 'empty_file',
      detail: expect.stringContaining('empty.csv'),
    });
    expect(await outcome('t_header_only')).toMatchObject({ reason: 'no_rows' });
    expect(await outcome('t_json_object')).toMatchObject({ reason: 'not_tabular' });
    expect(await outcome('t_binary')).toMatchObject({ reason: 'not_tabular' });
    expect(await outcome('t_no_table')).toMatchObject({ reason: 'no_tabular_file' });
  });

  it('reads non-UTF-8 text as latin-1 and says so', async () => {
    const table = (await profile('t_latin1')).tables[0];
    expect(table?.dialect?.encoding).toBe('latin-1');
    expect(table?.preview[0]).toEqual(['café', '1']);
    expect(table?.warnings.join(' ')).toMatch(/not valid UTF-8/);
  });

  it('keeps ragged rows, padding short ones and naming extra fields', async () => {
    const table = (await profile('t_ragged')).tables[0];
    expect(table?.rows).toBe(4);
    expect(table?.columns.map((c) => c.null_count)).toEqual([0, 0, 1, 3]);
    expect(table?.warnings.join(' ')).toMatch(/ragged rows/);
  });

  it('quotes duplicate, blank and hostile column names', async () => {
    const table = (await profile('t_names')).tables[0];
    const names = table?.columns.map((c) => c.name) ?? [];
    expect(names).toHaveLength(6);
    expect(names).toContain('x"y');
    expect(names).toContain('"; DROP TABLE x; --');
    expect(names).toContain("'q';");
    expect(new Set(names).size).toBe(6);
    const hostile = table?.columns.find((c) => c.name === '"; DROP TABLE x; --');
    expect(hostile).toMatchObject({ min: 5, max: 11, distinct_count: 2 });
    expect(table?.warnings.some((w) => w.includes('blank header'))).toBe(true);
    expect(table?.warnings.some((w) => w.includes('header "a" (column 2)'))).toBe(true);
  });

  it('profiles a 5,000-column table when profile.max_columns allows it', async () => {
    const table = (await profile('t_wide')).tables[0];
    expect(table).toMatchObject({ rows: 3, column_count: 5000 });
    expect(table?.columns[4999]).toMatchObject({ name: 'c4999', distinct_count: 3 });
  });

  it('profiles a JSON array of records, nested values as text', async () => {
    const table = (await profile('t_json')).tables[0];
    expect(table).toMatchObject({ format: 'json', rows: 2, dialect: null });
    expect(table?.columns.map((c) => c.name)).toEqual(['id', 'city', 'tags']);
    expect(table?.columns[2]?.physical_type).toMatch(/\[\]/);
  });

  it('picks the training split as main table and lists what it skipped', async () => {
    const p = await profile('t_multi');
    expect(p.main_table).toEqual({ file: 'train.csv', reason: 'named as the training split among 3 tables' });
    expect(p.skipped_files.map((s) => s.reason.split(':')[0])).toEqual(['empty_file', 'sqlite_unsupported']);
  });

  it('finds files at any depth and treats only the empty field as missing', async () => {
    expect((await profile('t_nested')).main_table.file).toBe('deep/er/table.csv');
    const [k, v] = (await profile('t_missing')).tables[0]?.columns ?? [];
    expect(k).toMatchObject({ null_count: 1, distinct_count: 2 });
    expect(k?.top_values.map((t) => t.value).sort()).toEqual(['NA', 'null']);
    expect(v).toMatchObject({ null_count: 1, physical_type: 'BIGINT' });
  });
});

describe('profile stage limits', () => {
  it('rejects tables wider than profile.max_columns', async () => {
    const limitRoot = await tempRoot();
    const limited = profileContext(limitRoot, 'profile:\n  max_columns: 100\n');
    try {
      await addScraped(limitRoot, 't_wide', datasets.t_wide ?? {});
      const result = await run(limited);
      expect(result.rejected).toEqual({ too_many_columns: 1 });
      expect(result.failures[0]?.detail).toMatch(/5000 columns, more than profile.max_columns \(100\)/);
    } finally {
      await limited.close();
      await rm(limitRoot, { recursive: true, force: true });
    }
  });
});
