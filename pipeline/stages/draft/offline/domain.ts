import { domainLabels } from '../../../llm/prompts/domain.ts';
import type { MetadataText } from './text.ts';

/** The same labels the LLM prompt offers, so offline and LLM drafts are comparable. */
export const domains = domainLabels;
export type Domain = (typeof domains)[number];

const cues: { domain: Domain; pattern: RegExp }[] = [
  {
    domain: 'finance',
    pattern: /financ|stock|invest|crypto|currenc|bank|bitcoin|trading|market cap|loan|credit/g,
  },
  {
    domain: 'health',
    pattern: /health|medic|disease|diabet|hospital|patient|clinic|lung|cancer|heart|psycholog/g,
  },
  {
    domain: 'business',
    pattern:
      /business|sales|retail|e-commerce|ecommerce|marketing|customer|store|shopping|procurement|pricing/g,
  },
  {
    domain: 'technology',
    pattern:
      /technolog|computer|software|internet|social media|artificial intelligence|\bai\b|video games|gpu/g,
  },
  { domain: 'automotive', pattern: /automo|\bcars?\b|vehicle|automobile|airline|flight|aviation/g },
  { domain: 'education', pattern: /educat|student|school|universit|academic|college/g },
  {
    domain: 'environment',
    pattern: /environment|weather|climate|pollution|air quality|forest|earthquake|flood|water|nature|geolog/g,
  },
];

/** The domain whose cues appear most in keywords (weight 3), title (2) and description (1). */
export function domainLabel(text: MetadataText): Domain {
  let best: Domain = 'other';
  let bestScore = 0;
  for (const { domain, pattern } of cues) {
    const count = (value: string) => [...value.matchAll(new RegExp(`\\b(?:${pattern.source})`, 'g'))].length;
    const score =
      3 * count(text.keywords.join(' | ')) + 2 * count(text.heading) + Math.min(3, count(text.description));
    if (score > bestScore) {
      best = domain;
      bestScore = score;
    }
  }
  return best;
}
