/**
 * A strict subset of Python's strptime, enough to check that a proposed time format parses
 * the real values (pandas `to_datetime(format=...)` must accept every value later).
 */
const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const dayNames = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

const directives: Record<string, string> = {
  Y: '(?<Y>\\d{4})',
  y: '(?<y>\\d{2})',
  m: '(?<m>\\d{1,2})',
  d: '(?<d>\\d{1,2})',
  H: '(?<H>\\d{1,2})',
  I: '(?<I>\\d{1,2})',
  M: '(?<M>\\d{1,2})',
  S: '(?<S>\\d{1,2})',
  f: '(?<f>\\d{1,6})',
  p: '(?<p>[AaPp][Mm])',
  z: '(?<z>Z|[+-]\\d{2}:?\\d{2}(?::?\\d{2})?)',
  Z: '(?<Z>[A-Za-z]{1,5})?',
  j: '(?<j>\\d{1,3})',
  b: '(?<b>[A-Za-z]{3})',
  B: '(?<B>[A-Za-z]{3,9})',
  a: '(?<a>[A-Za-z]{3})',
  A: '(?<A>[A-Za-z]{6,9})',
  '%': '%',
};

export class FormatError extends Error {}

/** Compiles a strftime format to an anchored regex; throws FormatError on an unknown directive. */
export function compileFormat(format: string): RegExp {
  let pattern = '';
  const seen = new Set<string>();
  for (let i = 0; i < format.length; i++) {
    const ch = format.charAt(i);
    if (ch !== '%') {
      pattern += /\s/.test(ch) ? '\\s+' : ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
      continue;
    }
    const directive = format[i + 1];
    i++;
    const piece = directive === undefined ? undefined : directives[directive];
    if (directive === undefined || piece === undefined) {
      throw new FormatError(`unsupported strftime directive "%${directive ?? ''}" in "${format}"`);
    }
    if (directive !== '%' && seen.has(directive))
      throw new FormatError(`"%${directive}" appears twice in "${format}"`);
    seen.add(directive);
    pattern += piece;
  }
  return new RegExp(`^\\s*${pattern}\\s*$`);
}

/** True when `value` parses with the compiled format and the fields are in range. */
export function matchesFormat(regex: RegExp, value: string): boolean {
  const match = regex.exec(value);
  if (!match) return false;
  const g = match.groups ?? {};
  const num = (key: string) => (g[key] === undefined ? undefined : Number(g[key]));
  const inRange = (key: string, lo: number, hi: number) => {
    const n = num(key);
    return n === undefined || (n >= lo && n <= hi);
  };
  if (!inRange('m', 1, 12) || !inRange('d', 1, 31) || !inRange('H', 0, 23) || !inRange('I', 1, 12))
    return false;
  if (!inRange('M', 0, 59) || !inRange('S', 0, 61) || !inRange('j', 1, 366)) return false;
  const lower = (key: string) => g[key]?.toLowerCase() ?? '';
  if (g.b !== undefined && !monthNames.includes(lower('b'))) return false;
  if (g.B !== undefined && !monthNames.some((name) => lower('B')?.startsWith(name))) return false;
  if (g.a !== undefined && !dayNames.includes(lower('a'))) return false;
  if (g.A !== undefined && !dayNames.some((name) => lower('A')?.startsWith(name))) return false;
  return true;
}

/** The values (at most `limit` quoted) that do not parse with `format`; throws FormatError on a bad format. */
export function unparsedValues(format: string, values: readonly string[]): string[] {
  const regex = compileFormat(format);
  return values.filter((value) => !matchesFormat(regex, value));
}

/** Formats tried, in order, when the profile gives none; day-first before month-first. */
export const candidateFormats = [
  '%Y-%m-%d',
  '%Y-%m-%d %H:%M:%S',
  '%Y-%m-%d %H:%M:%S%z',
  '%Y-%m-%d %H:%M:%S.%f',
  '%Y-%m-%d %H:%M',
  '%Y-%m-%dT%H:%M:%S',
  '%Y-%m-%dT%H:%M:%S%z',
  '%Y-%m-%dT%H:%M:%S.%f',
  '%Y-%m-%dT%H:%M:%S.%f%z',
  '%Y-%m',
  '%Y/%m/%d',
  '%Y/%m',
  '%d/%m/%Y',
  '%m/%d/%Y',
  '%d/%m/%Y %H:%M:%S',
  '%m/%d/%Y %H:%M:%S',
  '%d/%m/%Y %H:%M',
  '%m/%d/%Y %H:%M',
  '%d-%m-%Y',
  '%m-%d-%Y',
  '%d.%m.%Y',
  '%Y%m%d',
  '%d %b, %Y',
  '%d %b %Y',
  '%b %d, %Y',
  '%b %d %Y',
  '%B %d, %Y',
  '%Y',
] as const;

/** The first candidate format that parses every sample, or null. */
export function inferFormat(samples: readonly string[]): string | null {
  if (samples.length === 0) return null;
  for (const format of candidateFormats) {
    if (unparsedValues(format, samples).length === 0) return format;
  }
  return null;
}
