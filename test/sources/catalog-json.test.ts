import { describe, expect, it } from 'vitest';
import { jsonRecordsToCsv } from '../../pipeline/sources/catalog/json-csv.ts';

describe('jsonRecordsToCsv', () => {
  it('orders columns by first sight over all records and writes RFC 4180 cells', () => {
    const result = jsonRecordsToCsv([
      { b: 1.5, a: 'plain' },
      { a: 'comma, "quoted"\nline', c: true, b: null },
      { c: false, d: '', a: 1e21 },
    ]);
    expect(result).toEqual({
      ok: true,
      header: ['b', 'a', 'c', 'd'],
      rowCount: 3,
      csv: 'b,a,c,d\n1.5,plain,,\n,"comma, ""quoted""\nline",true,\n,1e+21,false,""\n',
    });
  });

  it('refuses what is not an array of flat records', () => {
    expect(jsonRecordsToCsv({ rows: [] })).toEqual({
      ok: false,
      problem: 'the file is not a JSON array of records',
    });
    expect(jsonRecordsToCsv([{ a: 1 }, 3])).toEqual({ ok: false, problem: 'record 1 is not an object' });
    expect(jsonRecordsToCsv([{ a: { x: 1 } }])).toEqual({
      ok: false,
      problem: 'record 0 field "a" is nested ({"x":1})',
    });
  });
});
