import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../pipeline/config/schema.ts';
import { composeTabular } from '../../pipeline/stages/build/compose.ts';
import type { Cell, Table } from '../../pipeline/stages/build/table.ts';
import { writeTaskFolder } from '../../pipeline/stages/build/write-task.ts';

/** Category values a scraped dataset can hold; every one must survive every format. */
const nasty = ['say "hi"', 'a,b', 'line\nbreak', 'Zürich – 東京 🚀', "it's", ' padded ', 'x;y\r\nz'];
const weirdColumn = 'we"ird, col';

function nastyTable(): Table {
  const rows: Cell[][] = [];
  for (let i = 0; i < 60; i++) {
    rows.push([
      String(i % 3),
      nasty[i % nasty.length] as string,
      String(i * 1.5),
      String(i),
      i % 11 === 0 ? null : 'k',
    ]);
  }
  return {
    columns: [
      { name: 'label', kind: 'integer' },
      { name: weirdColumn, kind: 'text' },
      { name: 'score', kind: 'float' },
      { name: '2019', kind: 'integer' },
      { name: 'flag', kind: 'text' },
    ],
    rows,
  };
}

let root: string;
let duckdb: DuckDBInstance;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'dare-roundtrip-'));
  duckdb = await DuckDBInstance.create(':memory:');
});

afterAll(async () => {
  duckdb.closeSync();
  await rm(root, { recursive: true, force: true });
});

async function buildIn(format: 'csv' | 'sqlite' | 'parquet'): Promise<string> {
  const weights = { csv: 0, sqlite: 0, parquet: 0, [format]: 1 };
  const config = configSchema.parse({
    build: { file_format_weights: weights, selected_fraction: { min: 1, max: 1 } },
  });
  const task = `owner_nasty_${format}_class`;
  const { contents } = composeTabular(
    {
      task,
      datasetId: `owner_nasty_${format}`,
      corpusSeed: 7,
      config: config.build,
      table: nastyTable(),
      envelope: { listing: { ref: 'owner/nasty' }, metadata: { info: { description: 'd' } } },
      metadataText: 'd',
    },
    {
      problem_type: 'classification',
      target: ['label'],
      target_candidates: ['label'],
      related_features: [weirdColumn, 'score', '2019', 'flag'],
      column_type_inference: {
        label: 'categorical',
        [weirdColumn]: 'categorical',
        score: 'numerical',
        '2019': 'numerical',
        flag: 'categorical',
      },
    },
  );
  const dir = join(root, task);
  await writeTaskFolder(duckdb, dir, contents);
  return dir;
}

const readBack = `
import json, sqlite3, sys
import numpy as np, pandas as pd
path, fmt = sys.argv[1], sys.argv[2]
if fmt == 'csv':
    df = pd.read_csv(path, keep_default_na=False, na_values=[''])
else:
    con = sqlite3.connect(path)
    df = pd.read_sql_query('SELECT * FROM "train_set"', con).replace({None: np.nan})
print(json.dumps({'columns': list(df.columns), 'values': [None if pd.isna(v) else v for v in df['we"ird, col']]}))
`;

describe('untrusted names and values survive every format', () => {
  for (const format of ['csv', 'sqlite', 'parquet'] as const) {
    it(`round-trips quotes, commas, newlines and non-ASCII in ${format}`, async () => {
      const dir = await buildIn(format);
      const meta = JSON.parse(await readFile(join(dir, 'verify', 'all_metadata.json'), 'utf8')).question;
      expect(meta.save_file_type).toBe(format);
      expect(new Set(meta.expected_ranges[weirdColumn])).toEqual(new Set(nasty));
      // Integer-like column names keep their place in the ordered metadata.
      // (JSON.parse would hoist "2019" itself, so read the order from the text.)
      const text = await readFile(join(dir, 'verify', 'all_metadata.json'), 'utf8');
      const block = text.slice(text.indexOf('"expected_ranges"'));
      const order = (meta.not_filtered_related_features as string[]).map((n) =>
        block.indexOf(`${JSON.stringify(n)}: [`),
      );
      expect(order.every((at) => at > 0)).toBe(true);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(meta.not_filtered_related_features).toContain('2019');
      const file = join(dir, 'source', `train_v2.${format}`);
      let read: { columns: string[]; values: (string | null)[] };
      if (format === 'parquet') {
        const connection = await duckdb.connect();
        const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${file}')`);
        const at = reader.columnNames().indexOf(weirdColumn);
        read = {
          columns: reader.columnNames(),
          values: reader.getRowsJson().map((r) => r[at] as string | null),
        };
        connection.closeSync();
      } else {
        read = JSON.parse(
          execFileSync('/usr/bin/python3', ['-c', readBack, file, format], { encoding: 'utf8' }),
        );
      }
      expect(read.columns).toEqual(['label', weirdColumn, 'score', '2019', 'flag']);
      expect(new Set(read.values)).toEqual(new Set(nasty));
      if (format !== 'parquet') {
        const out = execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'invariant.py'), dir], {
          encoding: 'utf8',
        });
        const result = JSON.parse(out);
        expect(result.equal, result.detail).toBe(true);
        expect(result.removed).toBeGreaterThan(0);
      }
    });
  }
});
