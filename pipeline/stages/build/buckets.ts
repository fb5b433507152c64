/** Resampling buckets labelled as pandas labels them. */
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
