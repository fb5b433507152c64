import type { DraftInput } from '../inputs.ts';

/** The metadata text the offline drafter reads, lower-cased once. */
export interface MetadataText {
  title: string;
  /** Title + subtitle + slug words. */
  heading: string;
  /** Title and slug words. */
  titleWords: string[];
  description: string;
  keywords: string[];
  headingWords: string[];
}

const stopwords = new Set([
  'the',
  'and',
  'for',
  'with',
  'data',
  'dataset',
  'datasets',
  'from',
  'this',
  'that',
  'all',
  'set',
  'new',
  'top',
  'per',
  'csv',
  'file',
  'files',
  'of',
  'in',
  'to',
  'by',
  'on',
  'an',
  'a',
  'or',
  'vs',
  'small',
  'good',
  'learning',
  'usd',
  'daily',
  'total',
  'time',
  'real',
  'world',
  'model',
  'models',
]);

export function metadataText(input: DraftInput): MetadataText {
  const info = input.metadata.info;
  const title = (info.title ?? input.listing?.title ?? '').toLowerCase();
  const subtitle = (info.subtitle ?? input.listing?.subtitle ?? '').toLowerCase();
  const slug = (info.datasetSlug ?? '').replace(/[-_]/g, ' ').toLowerCase();
  const heading = `${title} ${subtitle} ${slug}`;
  const keywords = [
    ...(info.keywords ?? []),
    ...(input.listing?.tags ?? []).flatMap((tag) => [tag.name ?? '', tag.ref ?? '']),
  ]
    .map((keyword) => keyword.toLowerCase().trim())
    .filter((keyword) => keyword.length > 0);
  return {
    title,
    heading,
    description: (info.description ?? input.listing?.description ?? '').toLowerCase(),
    keywords: [...new Set(keywords)],
    headingWords: words(heading),
    titleWords: words(`${title} ${slug}`),
  };
}

export function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

/** Name parts of a column: snake_case, camelCase, spaces and digits split; stopwords dropped. */
export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z\p{L}]+/u)
    .map((token) => token.toLowerCase())
    .filter((token) => token.length >= 3 && !stopwords.has(token));
}

/** A token matches a word when the word starts with the token's first five letters. */
export function tokenInWords(token: string, wordList: readonly string[]): boolean {
  const stem = token.slice(0, 5);
  return wordList.some((word) => word.startsWith(stem) && word.length <= token.length + 6);
}

/**
 * How well the column's name tokens appear in the title (weight 1) or only in the subtitle
 * (weight 1/3): 0..1. A column the title is about is the likeliest target.
 */
export function headingMatch(name: string, text: MetadataText): number {
  const tokens = nameTokens(name);
  if (tokens.length === 0) return 0;
  const inTitle = tokens.filter((token) => tokenInWords(token, text.titleWords)).length;
  const inHeading = tokens.filter((token) => tokenInWords(token, text.headingWords)).length;
  return (inTitle + (inHeading - inTitle) / 3) / tokens.length;
}

const cuePattern = /target|predict|label|dependent|outcome|response variable|to forecast|objective/g;

/**
 * True when the description names the column close to a cue such as "target variable" or
 * "predict". Exact names count more than token matches.
 */
export function descriptionCue(name: string, text: MetadataText): 0 | 1 | 2 {
  const desc = text.description;
  let best: 0 | 1 | 2 = 0;
  for (const cue of desc.matchAll(cuePattern)) {
    const start = Math.max(0, cue.index - 120);
    const window = desc.slice(start, cue.index + 120);
    if (window.includes(name.toLowerCase())) return 2;
    const near = words(window);
    const tokens = nameTokens(name);
    if (tokens.length > 0 && tokens.every((token) => tokenInWords(token, near))) best = 1;
  }
  return best;
}

export function countMatches(text: string, pattern: RegExp): number {
  return [...text.matchAll(new RegExp(pattern.source, 'g'))].length;
}
