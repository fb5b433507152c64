import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTable } from '../../pipeline/stages/build/table.ts';
import { run } from '../../pipeline/stages/profile/index.ts';
import { profileSchema } from '../../pipeline/stages/profile/schema.ts';
import { addScraped, profileContext, tempRoot } from './support.ts';

/**
 * DuckDB treats a path handed to read_csv/read_parquet/read_json as a glob pattern: a file
 * named `x[1].csv` matches `x1.csv`, and `y*.csv` matches every y-file. File names come from
 * the dataset, so each must read exactly its own file.
 */
describe('file names holding glob characters', () => {
  const roots: string[] = [];
  afterAll(async () => {
    for (const root of roots) await rm(root, { recursive: true, force: true });
  });

  it('profiles each file from its own bytes', async () => {
    const root = await tempRoot();
    roots.push(root);
    const id = await addScraped(root, 'glob_names', {
      'x[1].csv': 'alpha,beta\n1,2\n3,4\n',
      'x1.csv': 'other\n9\n9\n9\n9\n9\n',
      'y*.csv': 'gamma\n5\n',
      'y2.csv': 'gamma\n6\n7\n8\n',
      'z?.csv': 'delta,epsilon\n1,a\n',
      'za.csv': 'omega\n1\n2\n',
    });
    const ctx = profileContext(root);
    await run(ctx, { only: [id] });
    const profile = profileSchema.parse(
      JSON.parse(await readFile(join(root, 'processed', id, 'profile.json'), 'utf8')),
    );
    const table = (file: string) => {
      const found = profile.tables.find((t) => t.file === file);
      if (!found) throw new Error(`no table ${file} in profile.json`);
      return { rows: found.rows, columns: found.columns.map((c) => c.name) };
    };
    expect(table('x[1].csv')).toEqual({ rows: 2, columns: ['alpha', 'beta'] });
    expect(table('y*.csv')).toEqual({ rows: 1, columns: ['gamma'] });
    expect(table('z?.csv')).toEqual({ rows: 1, columns: ['delta', 'epsilon'] });
    expect(table('x1.csv')).toEqual({ rows: 5, columns: ['other'] });
  });

  it('builds from the main table named, not from files its name matches', async () => {
    const root = await tempRoot();
    roots.push(root);
    await writeFile(join(root, 'sales[2020].csv'), 'region,total\nnorth,1\nsouth,2\n');
    await writeFile(join(root, 'sales2.csv'), 'wrong\nx\n');
    const duckdb = await DuckDBInstance.create(':memory:');
    try {
      const table = await loadTable(duckdb, join(root, 'sales[2020].csv'));
      expect(table.columns.map((c) => c.name)).toEqual(['region', 'total']);
      expect(table.rows).toEqual([
        ['north', '1'],
        ['south', '2'],
      ]);
    } finally {
      duckdb.closeSync();
    }
  });
});
