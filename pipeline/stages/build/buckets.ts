/**
 * Resampling buckets labelled exactly as pandas' `Series.resample(rule)` labels them with its
 * defaults (origin='start_day'; closed/label 'right' for W, M, Q, Y and 'left' otherwise).
 * The grid of every rule is anchored on the series' first instant, as pandas anchors it:
 * fixed steps count from the midnight of its day, `nW`/`nM`/`nQ`/`nY` step from the period end
 * at or before that day, `nMS`/`nQS`/`nYS` from the period start at or before it. This module
 * is the one list of rules: draft accepts a rule only when `parseResampleRule` knows it.
 */
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
/** Period in months and whether the rule marks period ends (closed and labelled right). */
const calendarUnits: Record<string, { months: number; end: boolean }> = {
  M: { months: 1, end: true },
  ME: { months: 1, end: true },
  MS: { months: 1, end: false },
  Q: { months: 3, end: true },
  QE: { months: 3, end: true },
  QS: { months: 3, end: false },
  Y: { months: 12, end: true },
  A: { months: 12, end: true },
  YE: { months: 12, end: true },
  YS: { months: 12, end: false },
  AS: { months: 12, end: false },
};
const weekdays = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export type ResampleRule =
  | { kind: 'fixed'; step: number }
  | { kind: 'week'; weeks: number; weekday: number }
  | { kind: 'calendar'; period: number; step: number; end: boolean };

/** The rules build implements, for messages and prompts. */
export const resampleRuleHelp =
  'a pandas offset: [n]s, [n]min (T), [n]h (H), [n]D, [n]W or [n]W-MON..W-SUN, [n]M (ME), [n]MS, [n]Q (QE), [n]QS, [n]Y (A, YE), [n]YS (AS)';

export function parseResampleRule(rule: string): ResampleRule | null {
  const match = /^(\d*)([A-Za-z]+(?:-[A-Z]{3})?)$/.exec(rule);
  if (!match) return null;
  const n = match[1] ? Number(match[1]) : 1;
  if (!Number.isSafeInteger(n) || n < 1 || n > 10_000) return null;
  const unit = match[2] as string;
  const fixed = fixedUnits[unit];
  if (fixed) return { kind: 'fixed', step: fixed * n };
  const calendar = calendarUnits[unit];
  if (calendar)
    return { kind: 'calendar', period: calendar.months, step: calendar.months * n, end: calendar.end };
  const week = /^W(?:-([A-Z]{3}))?$/.exec(unit);
  const weekday = week ? weekdays.indexOf(week[1] ?? 'SUN') : -1;
  return weekday >= 0 ? { kind: 'week', weeks: n, weekday } : null;
}

/**
 * The label of the bucket holding `wall`, for a series whose first instant is `origin` (both
 * wall-clock milliseconds). Null for a rule that is not in the list.
 */
export function bucketLabel(rule: string, wall: number, origin: number): number | null {
  const parsed = parseResampleRule(rule);
  if (!parsed) return null;
  const firstDay = floorDay(origin);
  switch (parsed.kind) {
    case 'fixed':
      return firstDay + Math.floor((wall - firstDay) / parsed.step) * parsed.step;
    case 'week':
      return weekLabel(parsed.weeks, parsed.weekday, floorDay(wall), firstDay);
    case 'calendar':
      return parsed.end
        ? periodEndLabel(parsed.period, parsed.step, floorDay(wall), firstDay)
        : periodStartLabel(parsed.period, parsed.step, wall, firstDay);
  }
}

const floorDay = (ms: number) => Math.floor(ms / DAY) * DAY;
const mod = (a: number, b: number) => ((a % b) + b) % b;
const monthIndex = (ms: number) => {
  const t = new Date(ms);
  return t.getUTCFullYear() * 12 + t.getUTCMonth();
};
const monthStart = (index: number) => Date.UTC(Math.floor(index / 12), mod(index, 12), 1);
const monthEnd = (index: number) => Date.UTC(Math.floor(index / 12), mod(index, 12) + 1, 0);

/**
 * nW-XXX: pandas steps back n weeks from the first day (to the anchor day at or before it,
 * then n - 1 more weeks); buckets are right-closed over whole days, labelled by their end.
 */
function weekLabel(weeks: number, weekday: number, day: number, firstDay: number): number {
  const back = mod(new Date(firstDay).getUTCDay() - weekday, 7);
  const span = 7 * weeks * DAY;
  const start = back === 0 ? firstDay - span : firstDay - back * DAY - (weeks - 1) * 7 * DAY;
  return start + Math.ceil((day - start) / span) * span;
}

/** nM, nQ, nY: month ends aligned on December, stepped back from the first day as pandas does. */
function periodEndLabel(period: number, step: number, day: number, firstDay: number): number {
  const first = monthIndex(firstDay);
  const anchorMonth = mod(first, period) === period - 1;
  const onAnchor = anchorMonth && firstDay === monthEnd(first);
  const before = onAnchor ? first : anchorMonth ? first - period : first - mod(first, period) - 1;
  const start = before - (onAnchor ? step : step - period);
  return monthEnd(start + Math.ceil((monthIndex(day) - start) / step) * step);
}

/** nMS, nQS, nYS: month starts aligned on January, from the period start at or before the first day. */
function periodStartLabel(period: number, step: number, wall: number, firstDay: number): number {
  const first = monthIndex(firstDay);
  const start = first - mod(first, period);
  return monthStart(start + Math.floor((monthIndex(wall) - start) / step) * step);
}
