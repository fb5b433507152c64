import type { ColumnProfile, TableProfile } from '../profile/schema.ts';
import { isNumericPhysical, sampleValues } from './columns.ts';
import type { TabularDecision } from './schema.ts';

/**
 * The one rule draft and build share for a tabular design: build keeps as features only the
 * related features that are neither a target nor a target candidate (a candidate is a column
 * the question names as a possible target, so it never feeds the model). The drafters shape
 * their candidates with `candidatesKeepingFeatures` and validation refuses a design whose
 * `buildableFeatures` is empty, so no drafted design is dropped by build for want of features.
 */
type Design = Pick<TabularDecision, 'target' | 'target_candidates' | 'related_features'>;

export function buildableFeatures(design: Design): string[] {
  const excluded = new Set([...design.target, ...design.target_candidates]);
  return design.related_features.filter((name) => !excluded.has(name));
}

/**
 * The target candidates a drafter may state: the targets first, then the other proposed
 * candidates in order, skipping any whose exclusion would leave build no feature.
 */
export function candidatesKeepingFeatures(
  target: readonly string[],
  proposed: readonly string[],
  features: readonly string[],
  max: number,
): string[] {
  const kept = [...new Set(target)];
  for (const name of proposed) {
    if (kept.length >= max) break;
    if (kept.includes(name)) continue;
    const remaining = buildableFeatures({
      target: [...target],
      target_candidates: [...kept, name],
      related_features: [...features],
    });
    if (remaining.length > 0) kept.push(name);
  }
  return kept.slice(0, max);
}

/**
 * A number of a numeric column that is not an integer (from its range, top values and
 * preview), or undefined. scikit-learn's type_of_target calls such a column `continuous`
 * and no classifier fits it ("Unknown label type: continuous"), so it is never a class target.
 */
export function nonIntegralValue(table: TableProfile, column: ColumnProfile): string | undefined {
  if (!isNumericPhysical(column)) return undefined;
  const seen = [column.min, column.max, ...sampleValues(table, column.name)];
  for (const value of seen) {
    if (value === null || value === '') continue;
    const number = typeof value === 'number' ? value : Number(value);
    if (Number.isFinite(number) && !Number.isInteger(number)) return String(value);
  }
  return undefined;
}
