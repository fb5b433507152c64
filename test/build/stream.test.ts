import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../pipeline/config/schema.ts';
import { Rejection } from '../../pipeline/errors.ts';
import { asDatasetId } from '../../pipeline/ids.ts';
import { Random } from '../../pipeline/stages/build/random.ts';
import { mainTableRows } from '../../pipeline/stages/build/sample.ts';
import { openMainTable } from '../../pipeline/stages/build/source.ts';
import { inferKind, loadTable, mainTableReader } from '../../pipeline/stages/build/table.ts';
import { buildTabular } from '../../pipeline/stages/build/tabular.ts';
import type { TabularDecision } from '../../pipeline/stages/draft/schema.ts';
import { formatCsv } from '../../pipeline/util/csv.ts';
import { testdir } from '../support/testdir.ts';

let duckdb: DuckDBInstance;
beforeAll(async () => {
  duckdb = await DuckDBInstance.create(':memory:');
});
afterAll(() => duckdb.closeSync());

const unlimited = { maxTableRows: 1e9 };

/** Values where a SQL reimplementation of inferKind could slip (overflow, unicode digits, signs). */
const kindTraps: Record<string, (string | null)[]> = {
  ints: ['1', '+5', '-0', '00012', '123456789012345', null],
  long_int: ['1', '1234567890123456'],
  overflow: ['1.5', '1e400'],
  tiny: ['1e-400', '2'],
  huge_digits: ['9'.repeat(400), '1'],
  dots: ['1.', '.5', '+.5e-3', '5e+3'],
  floats_with_gap: ['1.5', null, '2'],
  arabic: ['١٢', '3'],
  words: ['inf', 'nan'],
  spaces: [' 5', '6'],
  newline: ['5\n', '6'],
  hex: ['0x10', '1'],
  empty_only: [null, null],
};

async function writeTable(path: string, columns: Record<string, (string | null)[]>, rows: number) {
  const names = Object.keys(columns);
  const cells = Array.from({ length: rows }, (_, r) =>
    names.map((n) => {
      const values = columns[n] as (string | null)[];
      return values[r % values.length] ?? null;
    }),
  );
  await writeFile(path, formatCsv(names, cells));
}

describe('streaming the main table through DuckDB', () => {
  it('decides every column kind as inferKind does over the whole table', async () => {
    const dir = await testdir();
    const path = join(dir, 'traps.csv');
    await writeTable(path, kindTraps, 12);
    const main = await openMainTable(duckdb, mainTableReader(path), path, unlimited);
    const inHeap = await loadTable(duckdb, path);
    expect(main.rows).toBe(12);
    expect(main.columns).toEqual(inHeap.columns);
    for (const [name, values] of Object.entries(kindTraps)) {
      expect(main.columns.find((c) => c.name === name)?.kind, name).toBe(inferKind(values));
    }
    // A late value decides too: 4,999 integers then one word.
    const late = join(dir, 'late.csv');
    await writeTable(late, { a: [...Array.from({ length: 4999 }, (_, i) => String(i)), 'x'] }, 5000);
    expect((await openMainTable(duckdb, mainTableReader(late), late, unlimited)).columns).toEqual([
      { name: 'a', kind: 'text' },
    ]);
  });

  it('shuffles indices with the same draws as shuffling the rows themselves', () => {
    for (const n of [0, 1, 2, 17, 5000]) {
      const rows = Array.from({ length: n }, (_, i) => `row${i}`);
      const shuffled = new Random(42).shuffle(rows);
      const order = new Random(42).shuffledIndices(n);
      expect(Array.from(order, (k) => rows[k])).toEqual(shuffled);
    }
  });

  it('gives the same task files as the whole table in memory, across many DuckDB chunks', async () => {
    const dir = await testdir();
    const path = join(dir, 'big.csv');
    const rows = 7000;
    const cells = Array.from({ length: rows }, (_, r) => [
      String(r),
      r % 13 === 0 ? null : r % 3 === 0 ? 'yes' : 'no',
      String((r * 7919) % 1000),
      r % 5 === 0 ? null : `${(r % 97) / 4}`,
      ['red', 'green', 'blue'][r % 3] ?? null,
    ]);
    await writeFile(path, formatCsv(['id', 'label', 'score', 'ratio', 'colour'], cells));
    const decision: TabularDecision = {
      problem_type: 'classification',
      target: ['label'],
      target_candidates: ['label'],
      related_features: ['score', 'ratio', 'colour'],
      column_type_inference: {
        label: 'categorical',
        score: 'numerical',
        ratio: 'numerical',
        colour: 'categorical',
      },
    };
    // max_rows below the known rows, so the seeded cut matters.
    const config = configSchema.parse({ build: { max_rows: 2500 } }).build;
    const id = asDatasetId('owner_stream');
    const main = await openMainTable(duckdb, mainTableReader(path), path, unlimited);
    const sample = await mainTableRows(duckdb, main, config, 11, id).sample(decision);
    expect(sample.rows).toHaveLength(2500);
    const streamed = buildTabular(sample, decision, config, 11, id);
    const whole = buildTabular(await loadTable(duckdb, path), decision, config, 11, id);
    expect(streamed).toEqual(whole);
    expect(streamed.counts.train + streamed.counts.val).toBe(2500);
  });

  it('rejects a table beyond build.max_table_rows, and a series beyond build.max_series_rows', async () => {
    const dir = await testdir();
    const path = join(dir, 't.csv');
    await writeTable(path, { a: ['1', '2'], b: ['x', 'y'] }, 3000);
    const tooMany = openMainTable(duckdb, mainTableReader(path), path, { maxTableRows: 2999 });
    await expect(tooMany).rejects.toBeInstanceOf(Rejection);
    await expect(tooMany).rejects.toMatchObject({ reason: 'table_too_large' });
    await expect(tooMany).rejects.toThrow(/3000 rows, more than build\.max_table_rows \(2999\)/);

    const main = await openMainTable(duckdb, mainTableReader(path), path, { maxTableRows: 3000 });
    const config = configSchema.parse({ build: { max_series_rows: 1000 } }).build;
    const whole = mainTableRows(duckdb, main, config, 1, asDatasetId('o_s')).whole();
    await expect(whole).rejects.toMatchObject({ reason: 'table_too_large' });
    const roomy = configSchema.parse({ build: { max_series_rows: 3000 } }).build;
    const all = await mainTableRows(duckdb, main, roomy, 1, asDatasetId('o_s')).whole();
    expect(all.rows).toHaveLength(3000);
    expect(all.rows[2999]).toEqual(['2', 'y']);
  });

  it('rejects a table that shrinks or grows between scans as table_changed', async () => {
    const dir = await testdir();
    const path = join(dir, 'shrinks.csv');
    await writeTable(path, { label: ['a', 'b'], x: ['1', '2'] }, 3000);
    const main = await openMainTable(duckdb, mainTableReader(path), path, unlimited);
    await writeTable(path, { label: ['a', 'b'], x: ['1', '2'] }, 100);
    const decision: TabularDecision = {
      problem_type: 'classification',
      target: ['label'],
      target_candidates: ['label'],
      related_features: ['x'],
      column_type_inference: { label: 'categorical', x: 'numerical' },
    };
    const config = configSchema.parse({}).build;
    const rows = mainTableRows(duckdb, main, config, 3, asDatasetId('o_shrink'));
    await expect(rows.sample(decision)).rejects.toMatchObject({ reason: 'table_changed' });
    // Grown instead: more rows than the first scan counted.
    await writeTable(path, { label: ['a', 'b'], x: ['1', '2'] }, 5000);
    await expect(rows.sample(decision)).rejects.toMatchObject({ reason: 'table_changed' });
    await expect(rows.whole()).rejects.toThrow(/changed while build read it \(3000 rows, then/);
  });

  it('rejects a table it cannot read as unreadable_table, naming the file', async () => {
    const dir = await testdir();
    const path = join(dir, 'broken.parquet');
    await writeFile(path, 'PAR1 this is not parquet');
    const opened = openMainTable(duckdb, mainTableReader(path), path, unlimited);
    await expect(opened).rejects.toMatchObject({ reason: 'unreadable_table' });
    await expect(opened).rejects.toThrow(/broken\.parquet/);
  });
});
