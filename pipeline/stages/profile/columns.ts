import type { Frequency } from './dates.ts';
import type { ColumnProfile } from './schema.ts';
import { type SemanticFacts, semanticType } from './semantic.ts';
import {
  clip,
  isIntegerType,
  isNumericType,
  isTemporalType,
  quoteIdent,
  quoteLiteral,
  type Row,
  stable,
  toNumber,
  toText,
} from './sql.ts';

/** One column as the profiler sees it; every SQL alias derives from `index`, never from the name. */
export interface ColumnPlan {
  index: number;
  name: string;
  /** Type as read from the file. */
  physicalType: string;
  /** Type in the profiled relation (non-scalar types are profiled as their text). */
  type: string;
  /** Candidate strftime format for text that looks like dates (from a sample). */
  dateFormat: string | null;
}

export interface PassOptions {
  approximate: boolean;
  topValues: number;
}

/** Up to this many distinct instants, a time column's instants are read whole (month steps too). */
export const instantsMaxDistinct = 100_000;

export const ident = (plan: ColumnPlan) => quoteIdent(plan.name);
export const alias = (plan: ColumnPlan, stat: string) => `c${plan.index}_${stat}`;

/** The first scan: counts, ranges, moments, quantiles and date-format confirmation. */
export function firstPassExpressions(plan: ColumnPlan, options: PassOptions): string[] {
  const q = ident(plan);
  const out = [`count(${q}) AS ${alias(plan, 'nn')}`, `approx_count_distinct(${q}) AS ${alias(plan, 'ad')}`];
  if (isNumericType(plan.type)) {
    const d = `CAST(${q} AS DOUBLE)`;
    out.push(`min(${d}) AS ${alias(plan, 'mn')}`, `max(${d}) AS ${alias(plan, 'mx')}`);
    // A large file gets its order-sensitive statistics from a single-threaded scan (sequential.ts).
    if (!options.approximate)
      out.push(
        `avg(${d}) AS ${alias(plan, 'mean')}`,
        `stddev_samp(${d}) AS ${alias(plan, 'sd')}`,
        `quantile_cont(${d}, [0.25, 0.5, 0.75]) AS ${alias(plan, 'qs')}`,
      );
    if (plan.dateFormat && isIntegerType(plan.type)) {
      // Digits-only dates (20190701): confirmed on the whole column like text dates.
      const parsed = `try_strptime(CAST(${q} AS VARCHAR), ${quoteLiteral(plan.dateFormat)})`;
      out.push(
        `count(${parsed}) AS ${alias(plan, 'dp')}`,
        `CAST(min(${parsed}) AS VARCHAR) AS ${alias(plan, 'dmn')}`,
        `CAST(max(${parsed}) AS VARCHAR) AS ${alias(plan, 'dmx')}`,
      );
    }
  } else if (plan.type === 'VARCHAR') {
    out.push(
      `min(${q}) AS ${alias(plan, 'mn')}`,
      `max(${q}) AS ${alias(plan, 'mx')}`,
      `avg(length(${q})) AS ${alias(plan, 'len')}`,
      `count_if(contains(${q}, ' ')) AS ${alias(plan, 'sp')}`,
    );
    if (plan.dateFormat) {
      const parsed = `try_strptime(${q}, ${quoteLiteral(plan.dateFormat)})`;
      out.push(
        `count(${parsed}) AS ${alias(plan, 'dp')}`,
        `CAST(min(${parsed}) AS VARCHAR) AS ${alias(plan, 'dmn')}`,
        `CAST(max(${parsed}) AS VARCHAR) AS ${alias(plan, 'dmx')}`,
      );
    }
  } else if (plan.type !== 'BOOLEAN') {
    out.push(
      `CAST(min(${q}) AS VARCHAR) AS ${alias(plan, 'mn')}`,
      `CAST(max(${q}) AS VARCHAR) AS ${alias(plan, 'mx')}`,
    );
  }
  return out;
}

/** A column after the first scan: what the second scan needs to know. */
export interface FirstPass {
  plan: ColumnPlan;
  nonNull: number;
  approxDistinct: number;
  isDatetime: boolean;
  row: Row;
}

export function readFirstPass(plan: ColumnPlan, row: Row): FirstPass {
  const nonNull = toNumber(row[alias(plan, 'nn')]) ?? 0;
  const textDate = plan.dateFormat !== null && nonNull > 0 && toNumber(row[alias(plan, 'dp')]) === nonNull;
  return {
    plan,
    nonNull,
    approxDistinct: toNumber(row[alias(plan, 'ad')]) ?? 0,
    isDatetime: isTemporalType(plan.type) || textDate,
    row,
  };
}

export function instantExpression(first: FirstPass): string {
  const q = ident(first.plan);
  if (first.plan.type === 'VARCHAR')
    return `try_strptime(${q}, ${quoteLiteral(first.plan.dateFormat ?? '')})`;
  if (first.plan.dateFormat && isIntegerType(first.plan.type))
    return `try_strptime(CAST(${q} AS VARCHAR), ${quoteLiteral(first.plan.dateFormat)})`;
  return first.plan.type === 'DATE' ? `CAST(${q} AS TIMESTAMP)` : q;
}

export type TopValue = { value: string; count: number };

function sortTop(values: TopValue[], k: number): TopValue[] {
  return values
    .filter((v) => v.count > 0)
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, k);
}

/** Exact or estimated value counts of one column (from values.ts). */
export interface ValueCounts {
  distinct: number;
  distinctExact: boolean;
  top: TopValue[];
  /** Top values were not counted (near-unique column of a large file). */
  topOmitted: boolean;
}

export interface ColumnResult {
  profile: ColumnProfile;
  warnings: string[];
}

export function buildColumn(
  first: FirstPass,
  counts: ValueCounts,
  frequency: Frequency | null,
  rows: number,
  options: PassOptions,
): ColumnResult {
  const { plan, row } = first;
  const warnings: string[] = [];
  const approximate: ('distinct_count' | 'quantiles' | 'top_values')[] = [];
  if (!counts.distinctExact) approximate.push('distinct_count');
  if (counts.topOmitted) approximate.push('top_values');
  const distinct = counts.distinct;
  const top = sortTop(counts.top, options.topValues);
  const numeric = isNumericType(plan.type);
  const quantiles = numeric ? quantilesOf(row[alias(plan, 'qs')]) : null;
  if (quantiles && options.approximate) approximate.push('quantiles');
  let min: number | string | null = numeric
    ? stable(row[alias(plan, 'mn')])
    : clip(toText(row[alias(plan, 'mn')]));
  let max: number | string | null = numeric
    ? stable(row[alias(plan, 'mx')])
    : clip(toText(row[alias(plan, 'mx')]));
  let datetime: ColumnProfile['datetime'] = null;
  if (first.isDatetime) {
    if (plan.type === 'VARCHAR') {
      min = toText(row[alias(plan, 'dmn')]);
      max = toText(row[alias(plan, 'dmx')]);
    }
    const digitsOnly = plan.type !== 'VARCHAR' && plan.dateFormat !== null && isIntegerType(plan.type);
    if (!frequency) warnings.push(`${plan.name}: no frequency inferred`);
    datetime = {
      min: String((digitsOnly ? toText(row[alias(plan, 'dmn')]) : min) ?? ''),
      max: String((digitsOnly ? toText(row[alias(plan, 'dmx')]) : max) ?? ''),
      ...(frequency ?? { inferred_frequency: null, regularity: 0 }),
      format: plan.dateFormat,
    };
  }
  const avgLength = plan.type === 'VARCHAR' ? stable(row[alias(plan, 'len')]) : null;
  const spaced = toNumber(row[alias(plan, 'sp')]);
  const facts: SemanticFacts = {
    name: plan.name,
    physicalType: plan.type,
    rows,
    nonNull: first.nonNull,
    distinct,
    isNumeric: numeric,
    isInteger: isIntegerType(plan.type),
    isDatetime: first.isDatetime,
    min,
    max,
    avgLength,
    spacedFraction: spaced === null || first.nonNull === 0 ? null : spaced / first.nonNull,
    smallDomain: distinct === 2 && top.length === 2 ? top.map((t) => t.value) : null,
  };
  const nullCount = rows - first.nonNull;
  const profile: ColumnProfile = {
    name: plan.name,
    physical_type: plan.physicalType,
    semantic_type: semanticType(facts),
    null_fraction: rows === 0 ? 0 : Number((nullCount / rows).toFixed(6)),
    null_count: nullCount,
    distinct_count: distinct,
    min,
    max,
    mean: numeric ? stable(row[alias(plan, 'mean')]) : null,
    std: numeric ? stable(row[alias(plan, 'sd')]) : null,
    quantiles,
    top_values: top.map((t) => ({ value: clip(t.value), count: t.count })),
    datetime,
    avg_length: avgLength,
  };
  if (approximate.length > 0) profile.approximate = approximate;
  return { profile, warnings };
}

function quantilesOf(value: unknown): ColumnProfile['quantiles'] {
  if (!Array.isArray(value)) return null;
  const [p25, p50, p75] = value.map(stable);
  return p25 != null && p50 != null && p75 != null ? { p25, p50, p75 } : null;
}
