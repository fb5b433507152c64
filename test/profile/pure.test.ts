import { describe, expect, it } from 'vitest';
import { chooseMainTable } from '../../pipeline/stages/profile/dataset.ts';
import { frequencyFromStep, inferFrequency } from '../../pipeline/stages/profile/dates.ts';
import {
  guessDelimiter,
  headerWarnings,
  parseHeaderLine,
  parseRecords,
} from '../../pipeline/stages/profile/header.ts';
import type { TableProfile } from '../../pipeline/stages/profile/schema.ts';
import { type SemanticFacts, semanticType } from '../../pipeline/stages/profile/semantic.ts';
import { quoteIdent, quoteLiteral } from '../../pipeline/stages/profile/sql.ts';

const day = 86_400_000;
const utc = (s: string) => Date.parse(`${s}T00:00:00Z`);

describe('inferFrequency', () => {
  it('names regular daily, weekly, hourly and monthly steps', () => {
    expect(inferFrequency([0, day, 2 * day, 3 * day])).toEqual({ inferred_frequency: '1D', regularity: 1 });
    expect(inferFrequency([0, 7 * day, 14 * day])).toEqual({ inferred_frequency: '1W', regularity: 1 });
    expect(inferFrequency([0, 3_600_000, 7_200_000])).toEqual({ inferred_frequency: '1H', regularity: 1 });
    const months = ['2020-01-01', '2020-02-01', '2020-03-01', '2020-04-01'].map(utc);
    expect(inferFrequency(months)).toEqual({ inferred_frequency: '1M', regularity: 1 });
    expect(inferFrequency(['2019-01-01', '2020-01-01', '2021-01-01'].map(utc))).toMatchObject({
      inferred_frequency: '1Y',
    });
  });

  it('measures irregularity, ignores order and duplicates', () => {
    // business days: Mon..Fri then a 3-day step over the weekend
    const weekdays = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08'].map(
      utc,
    );
    expect(inferFrequency([...weekdays].reverse().concat(weekdays))).toEqual({
      inferred_frequency: '1D',
      regularity: 0.8,
    });
    expect(inferFrequency([5])).toEqual({ inferred_frequency: null, regularity: 0 });
    expect(frequencyFromStep(60_000, 3, 4)).toEqual({ inferred_frequency: '1min', regularity: 0.75 });
  });
});

const facts = (over: Partial<SemanticFacts>): SemanticFacts => ({
  name: 'x',
  physicalType: 'DOUBLE',
  rows: 100,
  nonNull: 100,
  distinct: 50,
  isNumeric: true,
  isInteger: false,
  isDatetime: false,
  min: 0,
  max: 10,
  avgLength: null,
  spacedFraction: null,
  smallDomain: null,
  ...over,
});

describe('semanticType', () => {
  it('tells roles apart', () => {
    expect(semanticType(facts({}))).toBe('numeric');
    expect(semanticType(facts({ distinct: 1 }))).toBe('constant');
    expect(semanticType(facts({ distinct: 2, smallDomain: ['1', '0'] }))).toBe('boolean');
    expect(
      semanticType(
        facts({ distinct: 2, smallDomain: ['Yes', 'No'], physicalType: 'VARCHAR', isNumeric: false }),
      ),
    ).toBe('boolean');
    expect(
      semanticType(facts({ isInteger: true, physicalType: 'BIGINT', distinct: 100, min: 1, max: 100 })),
    ).toBe('id_like');
    expect(
      semanticType(facts({ isInteger: true, physicalType: 'BIGINT', distinct: 100, min: 3, max: 9000 })),
    ).toBe('numeric');
    const text = { physicalType: 'VARCHAR', isNumeric: false, min: null, max: null };
    expect(semanticType(facts({ ...text, distinct: 100, avgLength: 8, spacedFraction: 0 }))).toBe('id_like');
    expect(semanticType(facts({ ...text, distinct: 90, avgLength: 30, spacedFraction: 0.9 }))).toBe('text');
    expect(semanticType(facts({ ...text, distinct: 5, avgLength: 6, spacedFraction: 0 }))).toBe(
      'categorical',
    );
    expect(semanticType(facts({ ...text, isDatetime: true }))).toBe('datetime');
  });
});

const table = (file: string, rows: number, columns: number): TableProfile => ({
  file,
  format: 'csv',
  bytes: 1,
  rows,
  column_count: columns,
  dialect: null,
  columns: [],
  preview: [],
  warnings: [],
});

describe('chooseMainTable', () => {
  it('prefers the training split, never a submission template, else the most cells', () => {
    expect(chooseMainTable([])).toBeNull();
    expect(chooseMainTable([table('a.csv', 1, 1)])).toEqual({
      file: 'a.csv',
      reason: 'the only tabular file',
    });
    expect(chooseMainTable([table('test.csv', 900, 9), table('data/train.csv', 10, 10)])?.file).toBe(
      'data/train.csv',
    );
    expect(chooseMainTable([table('sample_submission.csv', 900, 9), table('b.csv', 10, 2)])?.file).toBe(
      'b.csv',
    );
    expect(chooseMainTable([table('small.csv', 10, 2), table('big.csv', 10, 3)])).toEqual({
      file: 'big.csv',
      reason: 'the largest of 2 tables by cells (10 rows x 3 columns)',
    });
  });
});

describe('header helpers', () => {
  it('splits a header line with quotes and guesses the delimiter', () => {
    expect(parseHeaderLine('a,"b,c","d""e",\nrest', ',', '"')).toEqual(['a', 'b,c', 'd"e', '']);
    expect(parseRecords('h1,h2\r\n"multi\nline",2\n\n3,\n', ',', '"', 10)).toEqual([
      ['h1', 'h2'],
      ['multi\nline', '2'],
      ['3', ''],
    ]);
    expect(guessDelimiter('a;b;c\n1;2;3\n4;5;6\n', ',')).toBe(';');
    expect(guessDelimiter('a,b\n1,2\n', ',')).toBe(',');
    expect(guessDelimiter('just one column\nvalue\n', ',')).toBeNull();
  });

  it('explains renamed, blank and extra columns', () => {
    expect(headerWarnings(['a', 'a', ''], ['a', 'a_1', 'column2', 'column3'])).toEqual([
      'header "a" (column 2) was renamed (repeated or invalid): profiled as "a_1"',
      'column 3 has a blank header: profiled as "column2"',
      'ragged rows: some rows have more fields than the 3 header cells; extra fields profiled as "column3"',
    ]);
  });
});

describe('SQL quoting', () => {
  it('doubles the quote characters so data never becomes SQL', () => {
    expect(quoteIdent('"; DROP TABLE x; --')).toBe('"""; DROP TABLE x; --"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
  });
});
