import { FormatError, unparsedValues } from '../../util/strftime.ts';
import { parseResampleRule, resampleRuleHelp } from '../build/buckets.ts';
import type { TableProfile } from '../profile/schema.ts';
import { columnIndex, isNumeric, isNumericPhysical } from './columns.ts';
import { buildableFeatures, nonIntegralValue } from './rules.ts';
import type { TabularDecision, TimeSeriesDecision } from './schema.ts';

/** What went wrong, as the suffix of the `llm_invalid_<what>` reason code. */
export type IssueKind =
  | 'schema'
  | 'column'
  | 'target_type'
  | 'features'
  | 'column_types'
  | 'time_format'
  | 'entity'
  | 'resample_rule';

export interface Issue {
  what: IssueKind;
  message: string;
}

export interface ValidationLimits {
  /** A classification target has at most this many distinct values. */
  max_classes: number;
  /** A regression target has at least this many distinct values. */
  min_regression_distinct: number;
  /** An entity column has at most this many distinct values. */
  max_entities: number;
}

function checkColumns(table: TableProfile, names: readonly string[], role: string, issues: Issue[]): void {
  const known = columnIndex(table);
  for (const name of names) {
    if (!known.has(name)) {
      issues.push({
        what: 'column',
        message: `${role} "${name}" is not a column of the table (columns are exact, case-sensitive names)`,
      });
    }
  }
}

function checkOverlap(targets: readonly string[], features: readonly string[], issues: Issue[]): void {
  for (const target of targets) {
    if (features.includes(target))
      issues.push({ what: 'features', message: `target "${target}" is also listed as a feature` });
  }
}

/** Every target and feature needs its type in column_type_inference. */
function checkTypeCoverage(
  decision: { target: string[]; related_features: string[]; column_type_inference: Record<string, string> },
  issues: Issue[],
): void {
  const required = [...decision.target, ...decision.related_features];
  const missing = required.filter((name) => !(name in decision.column_type_inference));
  if (missing.length > 0) {
    issues.push({
      what: 'column_types',
      message: `no column type given for ${missing.map((m) => `"${m}"`).join(', ')}`,
    });
  }
}

/** The profile of each named column; names that are none were reported by checkColumns. */
function profiledColumns(known: ReturnType<typeof columnIndex>, names: readonly string[]) {
  return names.flatMap((name) => {
    const column = known.get(name)?.column;
    return column ? [{ name, column }] : [];
  });
}

export function validateTabular(
  table: TableProfile,
  problemType: 'classification' | 'regression',
  decision: TabularDecision,
  limits: ValidationLimits,
): Issue[] {
  const issues: Issue[] = [];
  checkColumns(table, decision.target, 'target', issues);
  checkColumns(table, decision.target_candidates, 'target candidate', issues);
  checkColumns(table, decision.related_features, 'feature', issues);
  checkColumns(table, Object.keys(decision.column_type_inference), 'typed column', issues);
  if (issues.length > 0) return issues;
  checkOverlap(decision.target, decision.related_features, issues);
  if (decision.related_features.length === 0)
    issues.push({ what: 'features', message: 'no feature columns' });
  else if (buildableFeatures(decision).length === 0)
    issues.push({
      what: 'features',
      message: 'every feature is also a target candidate, and build keeps no candidate as a feature',
    });
  checkTypeCoverage(decision, issues);
  const known = columnIndex(table);
  for (const { name, column } of profiledColumns(known, decision.target)) {
    if (problemType === 'classification') {
      const continuous = nonIntegralValue(table, column);
      if (column.distinct_count < 2 || column.distinct_count > limits.max_classes) {
        issues.push({
          what: 'target_type',
          message: `classification target "${name}" has ${column.distinct_count} distinct values (need 2 to ${limits.max_classes})`,
        });
      } else if (continuous !== undefined) {
        issues.push({
          what: 'target_type',
          message: `classification target "${name}" holds non-integer numbers such as ${continuous}: scikit-learn treats it as continuous and no classifier fits it (make it a regression target or choose another column)`,
        });
      }
    } else if (!isNumeric(column) || column.semantic_type === 'constant') {
      issues.push({
        what: 'target_type',
        message: `regression target "${name}" is ${column.semantic_type}, not numeric`,
      });
    } else if (column.distinct_count < limits.min_regression_distinct || column.std === 0) {
      issues.push({
        what: 'target_type',
        message: `regression target "${name}" has only ${column.distinct_count} distinct values (need ${limits.min_regression_distinct})`,
      });
    }
  }
  return issues;
}

export function validateTimeSeries(
  table: TableProfile,
  decision: TimeSeriesDecision,
  limits: ValidationLimits,
  samplesOf: (column: string) => string[],
): Issue[] {
  const issues: Issue[] = [];
  checkColumns(table, [decision.time_column], 'time column', issues);
  checkColumns(table, decision.target, 'target', issues);
  checkColumns(table, decision.related_features, 'feature', issues);
  checkColumns(table, decision.entity_columns, 'entity column', issues);
  checkColumns(table, Object.keys(decision.column_type_inference), 'typed column', issues);
  if (issues.length > 0) return issues;
  const reserved = [decision.time_column, ...decision.entity_columns];
  checkOverlap(decision.target, [...decision.related_features, ...reserved], issues);
  for (const name of decision.related_features) {
    if (reserved.includes(name))
      issues.push({ what: 'features', message: `"${name}" is the time or an entity column, not a feature` });
  }
  checkTypeCoverage(decision, issues);
  const known = columnIndex(table);
  for (const { name, column } of profiledColumns(known, decision.target)) {
    if (!isNumeric(column) || column.distinct_count < limits.min_regression_distinct) {
      issues.push({
        what: 'target_type',
        message: `time-series target "${name}" must be numeric and vary (it is ${column.semantic_type} with ${column.distinct_count} distinct values)`,
      });
    }
  }
  for (const { name, column } of profiledColumns(known, decision.entity_columns)) {
    if (column.distinct_count < 2 || column.distinct_count > limits.max_entities) {
      issues.push({
        what: 'entity',
        message: `entity column "${name}" has ${column.distinct_count} distinct values (need 2 to ${limits.max_entities})`,
      });
    }
  }
  const time = known.get(decision.time_column)?.column;
  if (time && isNumericPhysical(time) && !/^(%[Yy]|%Y%m%d)$/.test(decision.time_format)) {
    issues.push({
      what: 'time_format',
      message: `time column "${decision.time_column}" is numeric (${time.physical_type}), not a date`,
    });
  }
  try {
    const samples = samplesOf(decision.time_column);
    const bad = unparsedValues(decision.time_format, samples);
    if (samples.length === 0) {
      issues.push({
        what: 'time_format',
        message: `time column "${decision.time_column}" has no values to check`,
      });
    } else if (bad.length > 0) {
      issues.push({
        what: 'time_format',
        message: `"${decision.time_format}" does not parse ${bad.length} of ${samples.length} sample values of "${decision.time_column}", e.g. ${JSON.stringify(bad.slice(0, 3))}`,
      });
    }
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    issues.push({ what: 'time_format', message: error.message });
  }
  // Exactly the rules build implements: one list, in build/buckets.ts.
  if (decision.resample && parseResampleRule(decision.resample.rule) === null) {
    issues.push({
      what: 'resample_rule',
      message: `resample rule "${decision.resample.rule}" is not one build implements: ${resampleRuleHelp}`,
    });
  }
  return issues;
}
