import type { Config } from '../../../config/schema.ts';
import type { ColumnProfile, TableProfile } from '../../profile/schema.ts';
import { isNumeric } from '../columns.ts';
import { candidatesKeepingFeatures, nonIntegralValue } from '../rules.ts';
import type { TabularDecision } from '../schema.ts';
import { descriptionCue, headingMatch, type MetadataText } from './text.ts';

type DraftConfig = Config['draft'];
export type TabularProblem = 'classification' | 'regression';

const genericTarget = /^(target|label|labels|class|classes|y|y\d|outcome|result|response)$/i;
/** General names of a class target (no dataset's own target names: the bench holds those out). */
const classHint =
  /(class|label|target|type|category|status|flag|^is_|^has_|outcome|result|kind|group|level)/i;
const regressionHint =
  /(price|target|cost|amount|value|sales|revenue|income|salary|score|consumption|demand|^y\d*$|yield|profit|rating)/i;
const idName = /(^unnamed|(^|_|\s)id$|^id|index|^no_|number$|^row)/i;

/** Columns that can never be a target or feature: identifiers, free text, dates, constants. */
export function isUsable(column: ColumnProfile, rows: number): boolean {
  if (['id_like', 'constant', 'datetime', 'text'].includes(column.semantic_type)) return false;
  if (column.datetime !== null) return false;
  if (column.null_fraction > 0.5) return false;
  if (idName.test(column.name) && column.distinct_count > rows * 0.9) return false;
  return true;
}

export function isClassLike(table: TableProfile, column: ColumnProfile, config: DraftConfig): boolean {
  return (
    column.distinct_count >= 2 &&
    column.distinct_count <= config.max_classes &&
    nonIntegralValue(table, column) === undefined
  );
}

export function isRegressionLike(column: ColumnProfile, config: DraftConfig): boolean {
  return isNumeric(column) && column.distinct_count >= config.min_regression_distinct && column.std !== 0;
}

/** Higher is a more plausible target; -Infinity when the column cannot be one. */
export function targetScore(
  problem: TabularProblem,
  column: ColumnProfile,
  index: number,
  table: TableProfile,
  text: MetadataText,
  config: DraftConfig,
): number {
  if (!isUsable(column, table.rows)) return Number.NEGATIVE_INFINITY;
  const eligible =
    problem === 'classification' ? isClassLike(table, column, config) : isRegressionLike(column, config);
  if (!eligible) return Number.NEGATIVE_INFINITY;
  let score = 0;
  if (genericTarget.test(column.name)) score += 4;
  if ((problem === 'classification' ? classHint : regressionHint).test(column.name)) score += 2;
  score += 2 * descriptionCue(column.name, text);
  score += 3 * headingMatch(column.name, text);
  const last =
    index === table.columns.length - 1 ||
    table.columns.slice(index + 1).every((c) => !isUsable(c, table.rows));
  if (last) score += 2;
  if (index === 0) score -= 1;
  if (problem === 'classification') {
    if (!isNumeric(column)) score += 1;
    if (column.distinct_count === 2) score += 0.5;
  } else if (/DOUBLE|FLOAT|DECIMAL|REAL/i.test(column.physical_type)) {
    score += 0.5;
  }
  return score;
}

/** The ranked target candidates (best first), at most three. */
export function rankTargets(
  problem: TabularProblem,
  table: TableProfile,
  text: MetadataText,
  config: DraftConfig,
): { name: string; score: number }[] {
  return table.columns
    .map((column, index) => ({
      name: column.name,
      score: targetScore(problem, column, index, table, text, config),
    }))
    .filter((candidate) => Number.isFinite(candidate.score))
    .sort((a, b) => b.score - a.score)
    .slice(0, 3);
}

export function numericalOrCategorical(column: ColumnProfile): 'numerical' | 'categorical' {
  return isNumeric(column) ? 'numerical' : 'categorical';
}

export function featureColumns(
  table: TableProfile,
  exclude: readonly string[],
  config: DraftConfig,
): ColumnProfile[] {
  return table.columns
    .filter((column) => !exclude.includes(column.name) && isUsable(column, table.rows))
    .filter((column) => isNumeric(column) || column.distinct_count <= config.max_categories)
    .slice(0, config.max_features);
}

export type TabularDraft =
  | { ok: true; decision: TabularDecision; score: number }
  | { ok: false; reason: string; detail: string };

export function draftTabular(
  problem: TabularProblem,
  table: TableProfile,
  text: MetadataText,
  config: DraftConfig,
): TabularDraft {
  if (table.rows < config.min_rows) {
    return { ok: false, reason: 'too_few_rows', detail: `${table.rows} rows (need ${config.min_rows})` };
  }
  const ranked = rankTargets(problem, table, text, config);
  const best = ranked[0];
  if (!best) {
    const need =
      problem === 'classification'
        ? `2 to ${config.max_classes} distinct values, no non-integer numbers`
        : 'a varying numeric column';
    return { ok: false, reason: 'no_target', detail: `no column fits a ${problem} target (${need})` };
  }
  const features = featureColumns(table, [best.name], config);
  if (features.length === 0) {
    return { ok: false, reason: 'no_features', detail: `no usable feature column besides "${best.name}"` };
  }
  const typed = table.columns.filter((column) => column.name === best.name || features.includes(column));
  const decision: TabularDecision = {
    problem_type: problem,
    target: [best.name],
    target_candidates: candidatesKeepingFeatures(
      [best.name],
      ranked.map((candidate) => candidate.name),
      features.map((feature) => feature.name),
      3,
    ),
    related_features: features.map((feature) => feature.name),
    column_type_inference: Object.fromEntries(
      typed.map((column) => [column.name, numericalOrCategorical(column)]),
    ),
  };
  return { ok: true, decision, score: best.score };
}
