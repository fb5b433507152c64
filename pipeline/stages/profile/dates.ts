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
