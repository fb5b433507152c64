/**
 * strftime formats tried on text columns, most specific first where two could both match
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
  '%d %B %Y',
  '%B %d, %Y',
  '%d-%b-%Y',
  '%d-%b-%y',
  '%b %Y',
  '%B %Y',
] as const;

const directivePatterns: Record<string, string> = {
  Y: '\\d{4}',
  y: '\\d{2}',
  m: '\\d{1,2}',
  d: '\\d{1,2}',
  H: '\\d{1,2}',
  M: '\\d{1,2}',
  S: '\\d{1,2}',
  f: '\\d{1,9}',
  z: '(?:Z|[+-]\\d{2}(?::?\\d{2})?)',
  b: '[A-Za-z]{3}',
  B: '[A-Za-z]+',
};

/** A loose regular expression for a strftime format: a cheap filter before DuckDB's strptime. */
export function formatPattern(format: string): RegExp {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i] as string;
    if (ch === '%' && i + 1 < format.length) {
      out += directivePatterns[format[i + 1] as string] ?? '.+';
      i += 1;
    } else out += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

const ranges: Record<string, [number, number]> = {
  m: [1, 12],
  d: [1, 31],
  H: [0, 23],
  M: [0, 59],
  S: [0, 60],
};

/** Whether a value is written in a format, numbers in range (a 13th month rules out %m). */
export function formatFits(format: string, value: string): boolean {
  const fields: string[] = [];
  let pattern = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i] as string;
    if (ch === '%' && i + 1 < format.length) {
      const directive = format[i + 1] as string;
      fields.push(directive);
      pattern += `(${directivePatterns[directive] ?? '.+'})`;
      i += 1;
    } else pattern += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const match = new RegExp(`^${pattern}$`).exec(value.trim());
  if (!match) return false;
  return fields.every((directive, j) => {
    const range = ranges[directive];
    if (!range) return true;
    const n = Number(match[j + 1]);
    return n >= range[0] && n <= range[1];
  });
}

/** Formats every value fits, in order of preference. */
export function fittingFormats(values: readonly string[]): string[] {
  const [first] = values;
  if (first === undefined) return [];
  return plausibleFormats(first).filter((format) => values.every((v) => formatFits(format, v)));
}

/** Formats worth trying on a column, judged by one of its values. */
export function plausibleFormats(value: string): string[] {
  const trimmed = value.trim();
  return dateFormats.filter((format) => formatPattern(format).test(trimmed));
}

export interface Frequency {
  inferred_frequency: string | null;
  regularity: number;
}

const dayMs = 86_400_000;

/**
 * The most common step between sorted distinct instants, as a pandas-style rule. Month
 * steps are counted in calendar months when every value sits on the same day of month at
 * midnight, since 28-31 day gaps would otherwise look irregular.
 */
export function inferFrequency(epochMs: readonly number[]): Frequency {
  const values = [...new Set(epochMs)].sort((a, b) => a - b);
  if (values.length < 2) return { inferred_frequency: null, regularity: 0 };
  const dates = values.map((ms) => new Date(ms));
  const midnight = values.every((ms) => ms % dayMs === 0);
  const sameDay = midnight && new Set(dates.map((d) => d.getUTCDate())).size === 1;
  const steps: number[] = [];
  for (let i = 1; i < values.length; i++) {
    const a = dates[i - 1] as Date;
    const b = dates[i] as Date;
    steps.push(
      sameDay
        ? b.getUTCFullYear() * 12 + b.getUTCMonth() - (a.getUTCFullYear() * 12 + a.getUTCMonth())
        : (values[i] as number) - (values[i - 1] as number),
    );
  }
  const [step, count] = mostCommon(steps);
  const regularity = Number((count / steps.length).toFixed(6));
  return { inferred_frequency: sameDay ? monthRule(step) : durationRule(step), regularity };
}

/** The frequency from the most common step (ms) between distinct instants, counted in SQL. */
export function frequencyFromStep(stepMs: number, count: number, steps: number): Frequency {
  if (steps === 0 || stepMs <= 0) return { inferred_frequency: null, regularity: 0 };
  return { inferred_frequency: durationRule(stepMs), regularity: Number((count / steps).toFixed(6)) };
}

function mostCommon(steps: number[]): [number, number] {
  const counts = new Map<number, number>();
  for (const step of steps) counts.set(step, (counts.get(step) ?? 0) + 1);
  let best: [number, number] = [0, 0];
  for (const [step, count] of counts) {
    if (count > best[1] || (count === best[1] && step < best[0])) best = [step, count];
  }
  return best;
}

function monthRule(months: number): string {
  return months % 12 === 0 ? `${months / 12}Y` : `${months}M`;
}

function durationRule(ms: number): string {
  if (ms % dayMs === 0) return ms % (7 * dayMs) === 0 ? `${ms / (7 * dayMs)}W` : `${ms / dayMs}D`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}H`;
  if (ms % 60_000 === 0) return `${ms / 60_000}min`;
  if (ms % 1000 === 0) return `${ms / 1000}S`;
  return `${ms}ms`;
}
