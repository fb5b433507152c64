import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  compileFormat,
  dateFormats,
  FormatError,
  fittingFormats,
  formatTime,
  inferFormat,
  parseTime,
  unparsedValues,
} from '../../pipeline/util/strftime.ts';

describe('strftime', () => {
  it('accepts values written in the format and refuses others', () => {
    expect(unparsedValues('%d/%m/%Y', ['17/09/2014', '01/12/2020'])).toEqual([]);
    expect(unparsedValues('%m/%d/%Y', ['17/09/2014'])).toEqual(['17/09/2014']);
    expect(unparsedValues('%Y-%m-%d %H:%M:%S%z', ['2002-05-23 00:00:00-04:00'])).toEqual([]);
    expect(unparsedValues('%d %b, %Y', ['14 Jun, 2024', '14 Jux, 2024'])).toEqual(['14 Jux, 2024']);
    expect(unparsedValues('%Y-%m', ['2009-04', '2009-13'])).toEqual(['2009-13']);
    expect(unparsedValues('%Y-%m-%d', ['2023-02-28', '2023-02-30', '2024-02-29'])).toEqual(['2023-02-30']);
    expect(unparsedValues('%A %d %B %Y', ['Monday 01 January 2024', 'Mondy 01 January 2024'])).toEqual([
      'Mondy 01 January 2024',
    ]);
  });

  it('throws FormatError on a directive it does not know or one given twice', () => {
    expect(() => unparsedValues('%Y-%Q', ['2020-1'])).toThrow(FormatError);
    expect(() => compileFormat('%Z')).toThrow(/unsupported strftime directive "%Z"/);
    expect(() => compileFormat('%Y-%m-%Y')).toThrow(/"%Y" appears twice/);
  });

  it('infers the first format that parses every sample, day-first before month-first', () => {
    expect(inferFormat(['2021-03-16 03:53:56'])).toBe('%Y-%m-%d %H:%M:%S');
    expect(inferFormat(['02/03/2020', '11/04/2021'])).toBe('%d/%m/%Y');
    expect(inferFormat(['02/16/2023', '09/30/2024'])).toBe('%m/%d/%Y');
    expect(inferFormat(['20230216', '20240930'])).toBe('%Y%m%d');
    expect(inferFormat(['not a date'])).toBeNull();
  });

  it('gives the profile every format all values fit, and no digits-only ones', () => {
    expect(fittingFormats(['01/02/2023', '13/02/2023'])).toEqual(['%d/%m/%Y']);
    expect(fittingFormats(['02/16/2023', '01/02/2023'])).toEqual(['%m/%d/%Y']);
    expect(fittingFormats(['01/02/2023'])).toEqual(['%d/%m/%Y', '%m/%d/%Y']);
    expect(fittingFormats(['2002-05-23 00:00:00-04:00'])).toEqual(['%Y-%m-%d %H:%M:%S%z']);
    expect(fittingFormats(['14 Jun, 2024'])).toEqual(['%d %b, %Y']);
    expect(fittingFormats(['2016/8'])).toEqual(['%Y/%m']);
    expect(fittingFormats(['2024-13-01'])).toEqual([]);
    expect(fittingFormats(['2019', '20190101', '12.5', 'hello'])).toEqual([]);
    expect(fittingFormats([])).toEqual([]);
  });

  it('reads %y, %p, %j and offsets as Python does, and writes back what it read', () => {
    const parse = (format: string, text: string) => parseTime(compileFormat(format), text);
    expect(parse('%d-%b-%y', '05-Mar-68')?.wall).toBe(Date.UTC(2068, 2, 5));
    expect(parse('%d-%b-%y', '05-Mar-69')?.wall).toBe(Date.UTC(1969, 2, 5));
    expect(parse('%I:%M %p', '12:05 AM')?.wall).toBe(Date.UTC(1900, 0, 1, 0, 5));
    expect(parse('%I:%M %p', '13:05 PM')).toBeNull();
    expect(parse('%Y-%j', '2024-060')?.wall).toBe(Date.UTC(2024, 1, 29));
    expect(parse('%Y-%j', '2023-366')).toBeNull();
    expect(parse('%Y-%m-%dT%H:%M:%S%z', '2020-01-01T00:00:00+0530')?.offset).toBe('+05:30');
    expect(parse('%Y-%m-%d  %H', '2020-01-01 \t 07')?.wall).toBe(Date.UTC(2020, 0, 1, 7));
    const wall = Date.UTC(2024, 1, 29, 13, 7, 9, 250);
    expect(formatTime('%a %A %b %B %j %I%p %f', wall)).toBe('Thu Thursday Feb February 060 01PM 250000');
  });

  it('agrees with Python strptime on every profile format', () => {
    const wall = Date.UTC(2023, 10, 5, 14, 3, 9, 120);
    const cases = dateFormats.map((format) => ({ format, text: formatTime(format, wall) }));
    const script = [
      'import json, sys',
      'from datetime import datetime',
      'out = []',
      'for c in json.load(sys.stdin):',
      "    t = datetime.strptime(c['text'], c['format'])",
      "    out.append(t.replace(tzinfo=None).isoformat(timespec='milliseconds'))",
      'print(json.dumps(out))',
    ].join('\n');
    const python = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8' }),
    ) as string[];
    const ours = cases.map(({ format, text }) => {
      const time = parseTime(compileFormat(format), text);
      return time === null ? null : new Date(time.wall).toISOString().slice(0, 23);
    });
    expect(ours).toEqual(python);
  });
});
