import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { bucketLabel } from '../../pipeline/stages/build/buckets.ts';
import { metadataText } from '../../pipeline/stages/build/metadata.ts';
import { breakingValue } from '../../pipeline/stages/build/noise.ts';
import { Random } from '../../pipeline/stages/build/random.ts';
import { computeRange, inRange } from '../../pipeline/stages/build/ranges.ts';
import { inferKind, loadTable } from '../../pipeline/stages/build/table.ts';
import { formatCsv } from '../../pipeline/util/csv.ts';
import { compileFormat, formatTime, parseTime } from '../../pipeline/util/strftime.ts';

describe('time formats and resampling', () => {
  const parse = (format: string, text: string) => {
    return parseTime(compileFormat(format), text);
  };

  it('parses strftime formats, offsets included, and refuses impossible dates', () => {
    expect(parse('%m/%d/%Y', '02/16/2023')?.wall).toBe(Date.UTC(2023, 1, 16));
    const withOffset = parse('%Y-%m-%d %H:%M:%S%z', '2020-08-20 00:00:00-04:00');
    expect(withOffset?.utc).toBe(Date.UTC(2020, 7, 20, 4));
    expect(withOffset?.offset).toBe('-04:00');
    expect(parse('%d %b %Y %I:%M %p', '05 Mar 2021 01:30 PM')?.wall).toBe(Date.UTC(2021, 2, 5, 13, 30));
    expect(parse('%Y-%m-%d', '2023-02-30')).toBeNull();
    expect(parse('%Y-%m', 'March')).toBeNull();
    expect(() => compileFormat('%Q')).toThrow(/unsupported strftime directive "%Q"/);
  });

  it('labels buckets as pandas does (month end, week ending Sunday, fixed steps)', () => {
    const at = Date.UTC(2019, 1, 13, 17, 42);
    expect(formatTime('%m/%d/%Y', bucketLabel('1M', at, at) as number)).toBe('02/28/2019');
    expect(formatTime('%Y-%m-%d', bucketLabel('MS', at, at) as number)).toBe('2019-02-01');
    expect(formatTime('%Y-%m-%d', bucketLabel('W', at, at) as number)).toBe('2019-02-17');
    expect(formatTime('%Y-%m-%d %H:%M', bucketLabel('15min', at, at) as number)).toBe('2019-02-13 17:30');
    expect(formatTime('%Y-%m-%d', bucketLabel('Q', at, at) as number)).toBe('2019-03-31');
    expect(bucketLabel('fortnightly', at, at)).toBeNull();
  });
});

describe('ranges and noise values', () => {
  it('breaks every kind of range with a value of the same storage kind', () => {
    const random = new Random(1);
    const interval = computeRange(['3', '7', null, '5'], 'numerical', 'integer', 20);
    const floats = computeRange(['0.5', '1.25'], 'numerical', 'float', 20);
    const flags = computeRange(['0', '1', '1'], 'categorical', 'integer', 20);
    const words = computeRange(['no', 'yes', 'No'], 'categorical', 'text', 20);
    for (const range of [interval, floats, flags, words]) {
      if (!range) throw new Error('expected a range');
      for (let i = 0; i < 200; i++) {
        const value = breakingValue(range, random);
        expect(inRange(range, value)).toBe(false);
        if (range.storage !== 'text') expect(inferKind([value])).not.toBe('text');
        if (range.storage === 'integer') expect(inferKind([value])).toBe('integer');
      }
      expect(inRange(range, null)).toBe(true);
    }
    expect(computeRange(['a', 'b', 'c'], 'categorical', 'text', 2)).toBeNull();
  });
});

describe('source tables and metadata.txt', () => {
  it('reads the main table with every value as written (quotes, newlines, spaces, non-ASCII)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dare-load-'));
    const values = ['say "hi"', 'a,b', 'line\nbreak', ' padded ', 'Zürich 東京', '007'];
    await writeFile(
      join(dir, 'table.csv'),
      formatCsv(
        ['id', 'odd "name"', 'amount'],
        values.map((v, i) => [String(i), v, i === 2 ? null : `${i}.5`]),
      ),
    );
    const duckdb = await DuckDBInstance.create(':memory:');
    try {
      const table = await loadTable(duckdb, join(dir, 'table.csv'));
      expect(table.columns).toEqual([
        { name: 'id', kind: 'integer' },
        { name: 'odd "name"', kind: 'text' },
        { name: 'amount', kind: 'float' },
      ]);
      expect(table.rows.map((r) => r[1])).toEqual(values);
      expect(table.rows[2]?.[2]).toBeNull();
    } finally {
      duckdb.closeSync();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('appends "About this file" and "Columns & descriptions" when the description lacks them', () => {
    const metadata = {
      info: {
        description: 'A dataset.',
        data: [
          {
            name: 'main.csv',
            description: 'Rows of things.',
            columns: [{ name: 'a', description: 'first' }, { name: 'b' }],
          },
        ],
      },
    };
    expect(metadataText(metadata, 'main.csv')).toBe(
      'A dataset.\n\n=== About this file ===\n\nRows of things.\n\n\n=== Columns & descriptions ===\n\na: first\nb: [no description]\n',
    );
    const crawled = { info: { description: 'X\n\n=== Columns & descriptions ===\n\na: first\n' } };
    expect(metadataText(crawled, 'main.csv')).toBe(crawled.info.description);
  });
});
