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
