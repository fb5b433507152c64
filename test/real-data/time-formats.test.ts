import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  compileFormat,
  dateFormats,
  inferFormat,
  isoWall,
  numericDateFormats,
  parseTime,
} from '../../pipeline/util/strftime.ts';
import { csvDataset, csvOf, profileOf } from './support.ts';

/** Python writes each format for a spread of instants and reads it back: [format, text, iso][] */
function pythonRoundTrips(formats: readonly string[]): [string, string, string][] {
  const code = `
import json, sys
from datetime import datetime, timedelta, timezone
start = datetime(1998, 1, 3, 0, 7, 9)
out = []
for fmt in json.loads(sys.argv[1]):
    for k in range(0, 9000, 397):
        t = start + timedelta(days=k, hours=k % 24, minutes=k % 60)
        if '%z' in fmt:
            t = t.replace(tzinfo=timezone(timedelta(hours=-4) if k % 2 else timedelta(hours=5, minutes=30)))
        text = t.strftime(fmt)
        back = datetime.strptime(text, fmt)
        offset = ''
        if back.tzinfo is not None:
            minutes = int(back.utcoffset().total_seconds() // 60)
            offset = ('-' if minutes < 0 else '+') + '%02d:%02d' % divmod(abs(minutes), 60)
        out.append([fmt, text, back.strftime('%Y-%m-%d %H:%M:%S') + offset])
print(json.dumps(out))`;
  return JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', code, JSON.stringify(formats)], { encoding: 'utf8' }),
  );
}

describe('time formats, as Python strptime reads them', () => {
  it('parses every format the pipeline knows exactly as /usr/bin/python3 strptime does', () => {
    const formats = [...dateFormats, ...numericDateFormats];
    const trips = pythonRoundTrips(formats);
    expect(trips.length).toBe(formats.length * 23);
    const wrong = trips.filter(([format, text, iso]) => {
      const parsed = parseTime(compileFormat(format), text);
      return parsed === null || isoWall(parsed) !== iso;
    });
    expect(wrong).toEqual([]);
  });

  it('knows the formats real datasets used that it used to miss', () => {
    expect(inferFormat(['05-Mar-2019 14:30', '17-Nov-2020 09:05'])).toBe('%d-%b-%Y %H:%M');
    expect(inferFormat(['2019M07', '2019M12', '2020M01'])).toBe('%YM%m');
    expect(inferFormat(['20190701', '20191231'])).toBe('%Y%m%d');
  });

  it('profiles those columns as times, and names the column that looked like time but fit no format', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => {
      const day = String((i % 28) + 1).padStart(2, '0');
      const month = ['Jan', 'Feb', 'Mar'][i % 3];
      return [
        `${day}-${month}-2019 1${i % 10}:0${i % 6}`,
        `20${10 + (i % 10)}M${String((i % 12) + 1).padStart(2, '0')}`,
        `2019${String((i % 12) + 1).padStart(2, '0')}${day}`,
        `Q${(i % 4) + 1} 20${10 + (i % 10)}`,
        i * 3,
        i % 2 ? 'Marvel' : 'DC',
        `https://example.org/match/Leeds-August-${i}-2022`,
      ];
    });
    const csv = csvOf(['reading_time', 'period', 'day', 'quarter_date', 'value', 'universe', 'link'], rows);
    const { root, ctx, id } = await csvDataset(csv);
    try {
      const table = (await profileOf(ctx, id)).tables[0];
      if (!table) throw new Error('no table profiled');
      const format = (name: string) => table.columns.find((c) => c.name === name)?.datetime?.format;
      expect(format('reading_time')).toBe('%d-%b-%Y %H:%M');
      expect(format('period')).toBe('%YM%m');
      expect(format('day')).toBe('%Y%m%d');
      expect(table.columns.find((c) => c.name === 'day')?.semantic_type).toBe('datetime');
      expect(table.columns.find((c) => c.name === 'value')?.datetime).toBeNull();
      // Month-like words in names or links are no times: only quarter_date is named.
      expect(table.unmatched_time_columns).toEqual([
        { column: 'quarter_date', examples: ['Q1 2010', 'Q2 2011', 'Q3 2012'] },
      ]);
    } finally {
      await ctx.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
