import { describe, expect, it } from 'vitest';
import { FormatError, inferFormat, unparsedValues } from '../../pipeline/stages/draft/strftime.ts';

describe('strftime subset', () => {
  it('accepts values written in the format and refuses others', () => {
    expect(unparsedValues('%d/%m/%Y', ['17/09/2014', '01/12/2020'])).toEqual([]);
    expect(unparsedValues('%m/%d/%Y', ['17/09/2014'])).toEqual(['17/09/2014']);
    expect(unparsedValues('%Y-%m-%d %H:%M:%S%z', ['2002-05-23 00:00:00-04:00'])).toEqual([]);
    expect(unparsedValues('%d %b, %Y', ['14 Jun, 2024', '14 Jux, 2024'])).toEqual(['14 Jux, 2024']);
    expect(unparsedValues('%Y-%m', ['2009-04', '2009-13'])).toEqual(['2009-13']);
  });

  it('throws FormatError on a directive it does not know', () => {
    expect(() => unparsedValues('%Y-%Q', ['2020-1'])).toThrow(FormatError);
  });

  it('infers the first format that parses every sample, day-first before month-first', () => {
    expect(inferFormat(['2021-03-16 03:53:56'])).toBe('%Y-%m-%d %H:%M:%S');
    expect(inferFormat(['02/03/2020', '11/04/2021'])).toBe('%d/%m/%Y');
    expect(inferFormat(['02/16/2023', '09/30/2024'])).toBe('%m/%d/%Y');
    expect(inferFormat(['not a date'])).toBeNull();
  });
});
