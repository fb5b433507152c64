import type { FamilyKey } from '../schema.ts';
import { countMatches, type MetadataText } from './text.ts';

const keywordRules: { family: FamilyKey; pattern: RegExp }[] = [
  { family: 'classification', pattern: /classification|logistic regression|classifier/ },
  { family: 'regression', pattern: /^(linear )?regression$|regression analysis/ },
  { family: 'time_series', pattern: /time series|time-series|forecasting/ },
];

const headingRules: { family: FamilyKey; pattern: RegExp }[] = [
  { family: 'classification', pattern: /classif|detection/ },
  { family: 'regression', pattern: /regression/ },
  { family: 'time_series', pattern: /time[- ]series|forecast|stock price|price history|stock data/ },
];

const descriptionRules: { family: FamilyKey; pattern: RegExp }[] = [
  { family: 'classification', pattern: /classif/ },
  { family: 'regression', pattern: /regression/ },
  { family: 'time_series', pattern: /time[- ]series|forecast/ },
];

/**
 * How strongly the metadata asks for each family: +3 for the first matching keyword, +1 for
 * each further one, +0.5 for the family named first, +3 for the title, +1 when the description
 * mentions it.
 */
export function familySignals(text: MetadataText): Record<FamilyKey, number> {
  const scores: Record<FamilyKey, number> = { classification: 0, regression: 0, time_series: 0 };
  for (const { family, pattern } of keywordRules) {
    const hits = text.keywords.filter((keyword) => pattern.test(keyword)).length;
    if (hits > 0) scores[family] += 3 + (hits - 1);
  }
  // Authors list the main task first: the earliest task keyword breaks ties.
  const first = text.keywords.flatMap((keyword) =>
    keywordRules.filter((rule) => rule.pattern.test(keyword)),
  )[0];
  if (first) scores[first.family] += 0.5;
  for (const { family, pattern } of headingRules) if (pattern.test(text.heading)) scores[family] += 3;
  for (const { family, pattern } of descriptionRules) {
    if (countMatches(text.description, pattern) > 0) scores[family] += 1;
  }
  return scores;
}
