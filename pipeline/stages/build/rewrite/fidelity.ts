import { code } from '../questions.ts';
import type { Fact } from './facts.ts';

/**
 * Deterministic fidelity check of a rewritten question: the labels of every fact it no
 * longer states, in the facts' order (empty when the rewrite is faithful).
 *
 * Numbers are matched as a multiset: each number fact consumes one occurrence, so a bound
 * equal to random_state (or to another bound) must be written as often as the facts need it.
 * random_state claims the first number written after its name; among facts sharing a value,
 * the later ones are reported lost when occurrences run out.
 */
export function lostFacts(
  text: string,
  facts: readonly Fact[],
  descriptions: ReadonlyMap<string, string>,
): string[] {
  const pool = numbersIn(text);
  const take = (value: number) => {
    const at = pool.findIndex((n) => sameNumber(n, value));
    if (at !== -1) pool.splice(at, 1);
    return at !== -1;
  };
  const seedSaid = new Set(
    facts.filter(
      (fact) => fact.kind === 'random_state' && statesRandomState(text, fact.value) && take(fact.value),
    ),
  );
  const normalized = normalize(text);
  return facts
    .filter((fact) => {
      switch (fact.kind) {
        case 'number':
          return !take(fact.value);
        case 'literal':
          return !fact.spellings.some((s) => containsWord(text, s, fact.caseInsensitive ?? false));
        case 'column': {
          const description = descriptions.get(fact.name);
          const byDescription = description !== undefined && normalized.includes(normalize(description));
          const byName = containsWord(text, fact.name, false) || text.includes(code(fact.name));
          return !(byName || byDescription);
        }
        case 'random_state':
          return !seedSaid.has(fact);
        case 'keep_missing':
          return !statesKeepMissing(text);
        case 'order':
          return !keepsOrder(text, fact.sequence, descriptions);
      }
      return false;
    })
    .map((fact) => fact.label);
}

/** "random_state set to 42", "a random state of 42": the first number after the name. */
function statesRandomState(text: string, value: number): boolean {
  for (const match of text.matchAll(/random[_ ]state/gi)) {
    const after = text.slice(match.index + match[0].length, match.index + match[0].length + 60);
    const first = numbersIn(after)[0];
    if (first !== undefined && sameNumber(first, value)) return true;
  }
  return false;
}

/**
 * The template's column mentions, minus columns the rewrite drops entirely (reported on
 * their own), form a subsequence of the rewrite's mentions by name or description.
 */
function keepsOrder(
  text: string,
  sequence: readonly string[],
  descriptions: ReadonlyMap<string, string>,
): boolean {
  const lower = text.toLowerCase();
  const mentions: { name: string; at: number }[] = [];
  for (const name of new Set(sequence)) {
    for (const at of wordPositions(text, name)) mentions.push({ name, at });
    const written = code(name);
    for (let at = text.indexOf(written); at !== -1; at = text.indexOf(written, at + 1))
      mentions.push({ name, at });
    const description = descriptions.get(name)?.toLowerCase();
    if (!description) continue;
    for (let at = lower.indexOf(description); at !== -1; at = lower.indexOf(description, at + 1)) {
      mentions.push({ name, at });
    }
  }
  const present = new Set(mentions.map((m) => m.name));
  const wanted = sequence.filter((name) => present.has(name));
  const order = mentions.sort((a, b) => a.at - b.at).map((m) => m.name);
  let next = 0;
  for (const name of order) if (name === wanted[next]) next += 1;
  return next === wanted.length;
}

const wordChar = /[\p{L}\p{N}_]/u;

/** `needle` occurs in `text` without being glued to letters or digits on either side. */
export function containsWord(text: string, needle: string, caseInsensitive: boolean): boolean {
  if (needle === '') return true;
  return (
    wordPositions(
      caseInsensitive ? text.toLowerCase() : text,
      caseInsensitive ? needle.toLowerCase() : needle,
    ).length > 0
  );
}

function wordPositions(text: string, needle: string): number[] {
  const positions: number[] = [];
  if (needle === '') return positions;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
    const before = text[at - 1] ?? ' ';
    const after = text[at + needle.length] ?? ' ';
    const startsGlued = wordChar.test(needle[0] ?? ' ') && wordChar.test(before);
    const endsGlued = wordChar.test(needle.at(-1) ?? ' ') && wordChar.test(after);
    if (!startsGlued && !endsGlued) positions.push(at);
  }
  return positions;
}

/**
 * Every number written in the text: signs, decimals, exponents and thousands separators
 * (1,000) are read; digits glued to a word (`train_v1`, `x2`) are not numbers.
 */
export function numbersIn(text: string): number[] {
  const pattern = /([-−+]?)((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)((?:[eE][-+]?\d+)?)/g;
  const found: number[] = [];
  for (const match of text.matchAll(pattern)) {
    const at = match.index;
    const [, sign = '', digits = '', exponent = ''] = match;
    const before = text[at - 1] ?? ' ';
    const after = text[at + match[0].length] ?? ' ';
    if (/[\p{L}_]/u.test(after)) continue;
    if (sign === '' && /[\p{L}_.]/u.test(before)) continue;
    // "3-19" is a span, not 3 and -19: a sign glued to a word or digit is a hyphen.
    const negative = (sign === '-' || sign === '−') && !/[\p{L}\p{N}_]/u.test(before);
    const value = Number(`${negative ? '-' : ''}${digits.replaceAll(',', '')}${exponent}`);
    if (Number.isFinite(value)) found.push(value);
  }
  return found;
}

function sameNumber(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
}

function normalize(text: string): string {
  return text
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[.;:,!?\s]+$/, '')
    .trim();
}

const missingWord = /\b(?:missing|null|nan|empty|blank|absent|unknown)\b/i;
const keepWord =
  /\b(?:keep|kept|keeping|retain|retained|retaining|preserve|preserved|include|included|remain|do not (?:exclude|drop|remove|discard)|don't (?:exclude|drop|remove|discard)|not be (?:excluded|dropped|removed|discarded))\b/i;
const negatedKeep =
  /\b(?:not|never|don't|do not)\s+(?:be\s+)?(?:keep|kept|retain|retained|preserve|preserved|include|included)\b/i;

/** Some clause (outside the imputation step) says rows with a missing value are kept. */
export function statesKeepMissing(text: string): boolean {
  return text
    .split(/(?<=[.;!?])\s+|\n+/)
    .some(
      (clause) =>
        missingWord.test(clause) &&
        keepWord.test(clause) &&
        !negatedKeep.test(clause) &&
        !/imput/i.test(clause),
    );
}
