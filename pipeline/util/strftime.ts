/**
 * The one strptime/strftime of the pipeline: the profile guesses formats with it, the draft
 * stage accepts a time_format only if it parses the values with it, and the build stage
 * parses and writes times with it, so a format one stage accepts is a format the next can use.
 *
 * It follows Python's strptime (pandas `to_datetime(format=...)` reads the output later):
 * whitespace in the format matches any run of whitespace, `%y` 69-99 is 19xx, `%p` applies
 * to `%I` only, `%j` counts days from 1 January, `%f` takes up to 9 digits as pandas does.
 * Times are wall-clock milliseconds (the fields read as UTC) plus the parsed offset, so
 * ordering uses the true instant while labels keep the source's wall clock.
 */
export interface ParsedTime {
  /** The instant, for ordering. */
  utc: number;
  /** The wall-clock fields encoded as UTC milliseconds, for bucketing and labels. */
  wall: number;
  /** "+HH:MM" when the value carried an offset, else "". */
  offset: string;
}

export class FormatError extends Error {}

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const dayNames = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const directives: Record<string, string> = {
  Y: '(?<Y>\\d{4})',
  y: '(?<y>\\d{2})',
  m: '(?<m>\\d{1,2})',
  d: '(?<d>\\d{1,2})',
  H: '(?<H>\\d{1,2})',
  I: '(?<I>\\d{1,2})',
  M: '(?<M>\\d{1,2})',
  S: '(?<S>\\d{1,2})',
  f: '(?<f>\\d{1,9})',
  p: '(?<p>[AaPp][Mm])',
  z: '(?<z>Z|[+-]\\d{2}:?\\d{2}(?::?\\d{2})?)',
  j: '(?<j>\\d{1,3})',
  b: '(?<b>[A-Za-z]{3})',
  h: '(?<b>[A-Za-z]{3})',
  B: '(?<B>[A-Za-z]{3,9})',
  a: '(?<a>[A-Za-z]{3})',
  A: '(?<A>[A-Za-z]{6,9})',
  '%': '%',
};

const compiled = new Map<string, RegExp>();

/** The anchored regex of a format; throws FormatError on an unknown or repeated directive. */
export function compileFormat(format: string): RegExp {
  const known = compiled.get(format);
  if (known) return known;
  let source = '';
  const seen = new Set<string>();
  for (let i = 0; i < format.length; i++) {
    const ch = format.charAt(i);
    if (ch !== '%') {
      source += /\s/.test(ch) ? '\\s+' : ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
      continue;
    }
    const directive = format.charAt(i + 1);
    i++;
    const piece = directives[directive];
    if (piece === undefined)
      throw new FormatError(`unsupported strftime directive "%${directive}" in "${format}"`);
    const group = directive === 'h' ? 'b' : directive;
    if (directive !== '%' && seen.has(group))
      throw new FormatError(`"%${directive}" appears twice in "${format}"`);
    seen.add(group);
    source += piece;
  }
  const regex = new RegExp(`^\\s*${source}\\s*$`);
  if (compiled.size < 1000) compiled.set(format, regex);
  return regex;
}

const nameIndex = (names: readonly string[], text: string, full: boolean): number => {
  const lower = text.toLowerCase();
  return names.findIndex((name) => (full ? name.toLowerCase() : name.slice(0, 3).toLowerCase()) === lower);
};

/** The time `text` denotes in the compiled format, or null when it does not parse or is out of range. */
export function parseTime(pattern: RegExp, text: string): ParsedTime | null {
  const g = pattern.exec(text)?.groups;
  if (!g) return null;
  if (g.a !== undefined && nameIndex(dayNames, g.a, false) < 0) return null;
  if (g.A !== undefined && nameIndex(dayNames, g.A, true) < 0) return null;
  const year = g.Y ? Number(g.Y) : g.y ? 2000 + Number(g.y) - (Number(g.y) >= 69 ? 100 : 0) : 1900;
  let month = g.m ? Number(g.m) - 1 : 0;
  if (g.b !== undefined) month = nameIndex(monthNames, g.b, false);
  if (g.B !== undefined)
    month = nameIndex(monthNames, g.B, true) >= 0 ? nameIndex(monthNames, g.B, true) : -1;
  const day = g.d ? Number(g.d) : 1;
  if (month < 0 || month > 11 || day < 1 || day > 31) return null;
  let hour = Number(g.H ?? g.I ?? 0);
  if (g.I !== undefined && (hour < 1 || hour > 12)) return null;
  if (g.p && g.I) hour = (hour % 12) + (g.p.toLowerCase() === 'pm' ? 12 : 0);
  const minute = Number(g.M ?? 0);
  const second = Number(g.S ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return null;
  const millis = g.f ? Number(g.f.slice(0, 3).padEnd(3, '0')) : 0;
  // %j places the date only when no month or day says otherwise, as in Python.
  const ordinal = g.j !== undefined && !g.m && !g.d && !g.b && !g.B ? Number(g.j) : undefined;
  const wall =
    ordinal === undefined
      ? Date.UTC(year, month, day, hour, minute, second, millis)
      : Date.UTC(year, 0, ordinal, hour, minute, second, millis);
  const date = new Date(wall);
  if (ordinal === undefined ? date.getUTCDate() !== day : ordinal < 1 || date.getUTCFullYear() !== year)
    return null;
  let offsetMinutes = 0;
  let offset = '';
  if (g.z && g.z !== 'Z') {
    const sign = g.z.startsWith('-') ? -1 : 1;
    const digits = g.z.replace(/[^0-9]/g, '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
    offset = `${g.z[0]}${digits.slice(0, 2)}:${digits.slice(2, 4)}`;
  }
  return { utc: wall - offsetMinutes * 60_000, wall, offset };
}

/** Whether `value` parses with `format` (which must be valid). */
export function parses(format: string, value: string): boolean {
  return parseTime(compileFormat(format), value) !== null;
}

/** The values that do not parse with `format`; throws FormatError on a bad format. */
export function unparsedValues(format: string, values: readonly string[]): string[] {
  const pattern = compileFormat(format);
  return values.filter((value) => parseTime(pattern, value) === null);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Writes the wall-clock time `wall` in `format` (unknown directives are kept as written). */
export function formatTime(format: string, wall: number): string {
  const t = new Date(wall);
  const month = monthNames[t.getUTCMonth()] as string;
  const weekday = dayNames[(t.getUTCDay() + 6) % 7] as string;
  const fields: Record<string, string> = {
    Y: String(t.getUTCFullYear()),
    y: pad(t.getUTCFullYear() % 100),
    m: pad(t.getUTCMonth() + 1),
    d: pad(t.getUTCDate()),
    H: pad(t.getUTCHours()),
    I: pad(t.getUTCHours() % 12 || 12),
    M: pad(t.getUTCMinutes()),
    S: pad(t.getUTCSeconds()),
    f: pad(t.getUTCMilliseconds() * 1000, 6),
    p: t.getUTCHours() < 12 ? 'AM' : 'PM',
    b: month.slice(0, 3),
    h: month.slice(0, 3),
    B: month,
    a: weekday.slice(0, 3),
    A: weekday,
    j: pad(Math.floor((wall - Date.UTC(t.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, 3),
    z: '+0000',
    '%': '%',
  };
  return format.replace(/%(.)/g, (whole, d: string) => fields[d] ?? whole);
}

/** "YYYY-MM-DD HH:MM:SS" (+ offset), the published prediction_starting_time style. */
export function isoWall(time: ParsedTime): string {
  return `${formatTime('%Y-%m-%d %H:%M:%S', time.wall)}${time.offset}`;
}

/**
 * Formats the profile tries on text columns, most specific first where two could both match
 * (day-first before month-first: ambiguous days <= 12 resolve day-first and are flagged).
 */
export const dateFormats = [
  '%Y-%m-%d',
  '%Y-%m-%d %H:%M:%S',
  '%Y-%m-%d %H:%M:%S.%f',
  '%Y-%m-%d %H:%M:%S%z',
  '%Y-%m-%d %H:%M:%S.%f%z',
  '%Y-%m-%dT%H:%M:%S',
  '%Y-%m-%dT%H:%M:%S.%f',
  '%Y-%m-%dT%H:%M:%S%z',
  '%Y-%m-%dT%H:%M:%S.%f%z',
  '%Y-%m-%d %H:%M',
  '%d/%m/%Y',
  '%m/%d/%Y',
  '%d/%m/%Y %H:%M:%S',
  '%m/%d/%Y %H:%M:%S',
  '%d/%m/%Y %H:%M',
  '%m/%d/%Y %H:%M',
  '%Y/%m/%d',
  '%Y/%m/%d %H:%M:%S',
  '%d-%m-%Y',
  '%m-%d-%Y',
  '%d.%m.%Y',
  '%Y-%m',
  '%Y/%m',
  '%d %b %Y',
  '%d %b, %Y',
  '%b %d, %Y',
  '%b %d %Y',
  '%d %B %Y',
  '%B %d, %Y',
  '%d-%b-%Y',
  '%d-%b-%y',
  '%b %Y',
  '%B %Y',
  // Seen in real datasets the list above missed.
  '%d-%b-%Y %H:%M',
  '%d-%b-%Y %H:%M:%S',
  '%d-%b-%y %H:%M',
  '%d-%m-%Y %H:%M',
  '%d-%m-%Y %H:%M:%S',
  '%d.%m.%Y %H:%M',
  '%d.%m.%Y %H:%M:%S',
  '%m/%d/%Y %I:%M:%S %p',
  '%m/%d/%Y %I:%M %p',
  '%d/%m/%y',
  '%m/%d/%y',
  '%Y.%m.%d',
  '%b-%y',
  '%b-%Y',
  '%m/%Y',
  '%m-%Y',
  '%YM%m',
] as const;

/**
 * What the draft stage also tries when the profile found no format: digits-only dates, which
 * the profile does not guess on its own since a column of plain numbers would match them.
 */
export const numericDateFormats = ['%Y%m%d', '%Y'] as const;

/** Every format of `candidates` that parses all `values`, in order. */
export function fittingFormats(
  values: readonly string[],
  candidates: readonly string[] = dateFormats,
): string[] {
  const [first] = values;
  if (first === undefined) return [];
  return candidates.filter(
    (format) => compileFormat(format).test(first) && values.every((value) => parses(format, value)),
  );
}

/** The first format (of the profile's, then the digits-only ones) that parses every sample, or null. */
export function inferFormat(samples: readonly string[]): string | null {
  return fittingFormats(samples, [...dateFormats, ...numericDateFormats])[0] ?? null;
}
