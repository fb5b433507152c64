import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTableRows } from '../../pipeline/release/rows.ts';
import type { FileTable } from '../../pipeline/stages/build/tabular.ts';
import { writeSqlite } from '../../pipeline/stages/build/writers.ts';
import { testdir } from '../support/testdir.ts';

const noDuckdb = () => Promise.reject(new Error('DuckDB is not needed for sqlite'));

// A DARE-shaped file: two tables of a split train_v1 with a row_id, an awkward column name.
const tables: FileTable[] = [
  {
    name: 'table_1',
    columns: [
      { name: 'row_id', kind: 'integer' },
      { name: 'price "usd"', kind: 'float' },
    ],
    rows: [
      ['0', '1.5'],
      ['1', null],
    ],
  },
  {
    name: 'table_2',
    columns: [
      { name: 'row_id', kind: 'integer' },
      { name: 'city', kind: 'text' },
    ],
    rows: [
      ['0', "O'Hare"],
      ['1', ''],
    ],
  },
];

describe('the SQLite writer (sql.js, no native build)', () => {
  it('writes byte-identical files that Python sqlite3 and pandas read with the DARE layout', async () => {
    const dir = await testdir();
    const [a, b] = [join(dir, 'a.sqlite'), join(dir, 'b.sqlite')];
    await writeSqlite(a, tables);
    await writeSqlite(b, tables);
    expect(Buffer.compare(await readFile(a), await readFile(b))).toBe(0);
    const read = execFileSync(
      '/usr/bin/python3',
      [
        '-c',
        [
          'import json, sqlite3, sys, pandas as pd',
          'con = sqlite3.connect(sys.argv[1])',
          'names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type=\'table\' ORDER BY name")]',
          'frames = {n: pd.read_sql(f"SELECT * FROM \\"{n}\\"", con) for n in names}',
          'print(json.dumps({n: {"columns": list(f.columns), "rows": f.astype(object).where(f.notna(), None).values.tolist()} for n, f in frames.items()}))',
        ].join('\n'),
        a,
      ],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(read)).toEqual({
      table_1: {
        columns: ['row_id', 'price "usd"'],
        rows: [
          [0, 1.5],
          [1, null],
        ],
      },
      table_2: {
        columns: ['row_id', 'city'],
        rows: [
          [0, "O'Hare"],
          [1, ''],
        ],
      },
    });
  });

  it('reads a plain table back, refuses a file over the cap before loading it, and rejects a corrupt one', async () => {
    const dir = await testdir({ 'corrupt.sqlite': 'this is not an SQLite file\n'.repeat(200) });
    const path = join(dir, 'x.sqlite');
    await writeSqlite(path, tables);
    expect(await readTableRows(path, noDuckdb, 'table_2')).toEqual({
      columns: ['row_id', 'city'],
      rows: [
        ['0', "O'Hare"],
        ['1', ''],
      ],
    });
    const size = (await readFile(path)).length;
    await expect(readTableRows(path, noDuckdb, 'table_2', size - 1)).rejects.toThrow(
      /x\.sqlite: over the \d+-byte cap \(corpus\.limits\.max_file_mb\); not opened/,
    );
    await expect(readTableRows(join(dir, 'corrupt.sqlite'), noDuckdb, 'table_1')).rejects.toThrow(
      /not a database/,
    );
    await writeFile(join(dir, 'empty.sqlite'), '');
    await expect(readTableRows(join(dir, 'empty.sqlite'), noDuckdb)).rejects.toThrow(/holds no table/);
  });
});
