/**
 * strptime/strftime for the directives time series drafts use (%Y %y %m %d %H %I %M %S
 * %f %p %b %B %a %A %z %j %%). Times are handled as wall-clock milliseconds (the fields
 * read as UTC) plus the parsed offset, so ordering uses the true instant while labels and
 * prediction_starting_time keep the source's wall clock.
 */
export interface ParsedTime {
  /** The instant, for ordering. */
  utc: number;
  /** The wall-clock fields encoded as UTC milliseconds, for bucketing and labels. */
  wall: number;
  /** "+HH:MM" when the value carried an offset, else "". */
  offset: string;
}

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
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
  b: '(?<b>[A-Za-z]{3})',
  h: '(?<b>[A-Za-z]{3})',
  B: '(?<B>[A-Za-z]+)',
  a: '[A-Za-z]{3}',
  A: '[A-Za-z]+',
  z: '(?<z>Z|[+-]\\d{2}:?\\d{2})',
  j: '\\d{1,3}',
  '%': '%',
};

export function compileFormat(format: string): RegExp | null {
  let source = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i] as string;
    if (ch !== '%') {
      source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const directive = directives[format[i + 1] ?? ''];
    if (directive === undefined) return null;
    source += directive;
    i += 1;
  }
  return new RegExp(`^\\s*${source}\\s*$`);
}

export function parseTime(pattern: RegExp, text: string): ParsedTime | null {
  const g = pattern.exec(text)?.groups;
  if (!g) return null;
  const year = g.Y ? Number(g.Y) : g.y ? 2000 + Number(g.y) - (Number(g.y) >= 69 ? 100 : 0) : 1900;
  let month = g.m ? Number(g.m) - 1 : 0;
  if (g.b) month = months.indexOf(g.b.toLowerCase());
  if (g.B) month = months.indexOf(g.B.slice(0, 3).toLowerCase());
  let hour = Number(g.H ?? g.I ?? 0);
  if (g.p && g.I) hour = (hour % 12) + (g.p.toLowerCase() === 'pm' ? 12 : 0);
  const day = g.d ? Number(g.d) : 1;
  const millis = g.f ? Number(g.f.slice(0, 3).padEnd(3, '0')) : 0;
  if (month < 0 || month > 11 || day < 1 || day > 31 || hour > 23) return null;
  const wall = Date.UTC(year, month, day, hour, Number(g.M ?? 0), Number(g.S ?? 0), millis);
  if (new Date(wall).getUTCDate() !== day) return null;
  let offsetMinutes = 0;
  let offset = '';
  if (g.z && g.z !== 'Z') {
    const sign = g.z.startsWith('-') ? -1 : 1;
    const digits = g.z.replace(/[^0-9]/g, '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
    offset = `${g.z[0]}${digits.slice(0, 2)}:${digits.slice(2)}`;
  }
  return { utc: wall - offsetMinutes * 60_000, wall, offset };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function formatTime(format: string, wall: number): string {
  const t = new Date(wall);
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
    b: (monthNames[t.getUTCMonth()] as string).slice(0, 3),
    h: (monthNames[t.getUTCMonth()] as string).slice(0, 3),
    B: monthNames[t.getUTCMonth()] as string,
    z: '+0000',
    '%': '%',
  };
  return format.replace(/%(.)/g, (whole, d: string) => fields[d] ?? whole);
}

/** "YYYY-MM-DD HH:MM:SS" (+ offset), the published prediction_starting_time style. */
export function isoWall(time: ParsedTime): string {
  return `${formatTime('%Y-%m-%d %H:%M:%S', time.wall)}${time.offset}`;
}

const DAY = 86_400_000;
const fixedUnits: Record<string, number> = {
  S: 1000,
  s: 1000,
  T: 60_000,
  min: 60_000,
  H: 3_600_000,
  h: 3_600_000,
  D: DAY,
};

/**
 * The pandas-style label of the resampling bucket holding `wall`: fixed steps floor
 * (1min, 5min, 1H, 1D, ...); W ends on Sunday; M/ME, Q/QE, Y/A/YE label the period end,
 * MS, QS, YS/AS its start (pandas' defaults). Null for a rule we do not know.
 */
export function bucketLabel(rule: string, wall: number): number | null {
  const match = /^(\d*)([A-Za-z]+)$/.exec(rule.trim());
  if (!match) return null;
  const n = match[1] ? Number(match[1]) : 1;
  const unit = match[2] as string;
  const fixed = fixedUnits[unit];
  if (fixed) return Math.floor(wall / (fixed * n)) * fixed * n;
  const t = new Date(wall);
  const y = t.getUTCFullYear();
  const m = t.getUTCMonth();
  switch (unit) {
    case 'W': {
      const dayStart = Math.floor(wall / DAY) * DAY;
      return dayStart + ((7 - t.getUTCDay()) % 7) * DAY;
    }
    case 'M':
    case 'ME':
      return Date.UTC(y, m + 1, 0);
    case 'MS':
      return Date.UTC(y, m, 1);
    case 'Q':
    case 'QE':
      return Date.UTC(y, Math.floor(m / 3) * 3 + 3, 0);
    case 'QS':
      return Date.UTC(y, Math.floor(m / 3) * 3, 1);
    case 'Y':
    case 'A':
    case 'YE':
      return Date.UTC(y, 12, 0);
    case 'YS':
    case 'AS':
      return Date.UTC(y, 0, 1);
    default:
      return null;
  }
}
