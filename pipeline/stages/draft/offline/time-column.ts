import type { Config } from '../../../config/schema.ts';
import { inferFormat, unparsedValues } from '../../../util/strftime.ts';
import type { ColumnProfile } from '../../profile/schema.ts';
import { isNumericPhysical } from '../columns.ts';
import type { DraftInput } from '../inputs.ts';

type DraftConfig = Config['draft'];

export interface TimeColumn {
  column: ColumnProfile;
  /** strftime format of the values as written in the file. */
  format: string;
  /** False when the steps are known to be irregular. */
  regular: boolean;
  /** pandas offset of the usual step, when known. */
  frequency: string | null;
}

const timeName = /(date|time|timestamp|datetime|month|period|day|tarih|fecha|data)/i;
const yearName = /^(year|yr|jahr|ano|año|anno)$/i;

/** The strftime format of a time column: the profile's, else the first candidate that parses its samples. */
export function timeFormat(column: ColumnProfile, samplesOf: (column: string) => string[]): string | null {
  const samples = samplesOf(column.name);
  const stated = column.datetime?.format;
  if (stated && unparsedValues(stated, samples).length === 0) return stated;
  return inferFormat(samples);
}

function candidate(column: ColumnProfile, input: DraftInput): TimeColumn | null {
  const dateLike = column.datetime !== null || column.semantic_type === 'datetime';
  if (dateLike && (!isNumericPhysical(column) || column.datetime?.format === '%Y%m%d')) {
    const format = timeFormat(column, input.samples);
    if (!format) return null;
    const regularity = column.datetime?.regularity ?? 1;
    return {
      column,
      format,
      regular: regularity >= 0.6,
      frequency: column.datetime?.inferred_frequency ?? null,
    };
  }
  if (/^VARCHAR/i.test(column.physical_type) && timeName.test(column.name)) {
    // Dates the profile did not recognise (e.g. "Jan 1 2000"): regularity unknown, taken as regular.
    const format = inferFormat(input.samples(column.name));
    return format && format !== '%Y' ? { column, format, regular: true, frequency: null } : null;
  }
  const min = typeof column.min === 'number' ? column.min : Number.NaN;
  const max = typeof column.max === 'number' ? column.max : Number.NaN;
  if (yearName.test(column.name) && /INT/i.test(column.physical_type) && min >= 1000 && max <= 2999) {
    const steps = column.distinct_count - 1;
    const step = steps > 0 ? (max - min) / steps : 0;
    const regular = Number.isInteger(step) && step > 0;
    return { column, format: '%Y', regular, frequency: regular ? `${step}YS` : null };
  }
  return null;
}

/** The column that orders the rows in time: most distinct values, a time-like name, regular steps. */
export function findTimeColumn(input: DraftInput, config: DraftConfig): TimeColumn | null {
  const minPoints = Math.min(config.min_time_points, config.min_time_points_per_entity);
  const scored = input.table.columns
    .filter((column) => column.distinct_count >= minPoints)
    .flatMap((column) => {
      const found = candidate(column, input);
      if (!found) return [];
      let score = Math.log10(column.distinct_count);
      if (timeName.test(column.name) || yearName.test(column.name)) score += 1;
      if (found.regular) score += 1;
      if (found.format !== '%Y') score += 0.5;
      return [{ found, score }];
    })
    .sort((a, b) => b.score - a.score);
  return scored[0]?.found ?? null;
}
