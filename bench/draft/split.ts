import { createHash } from 'node:crypto';

/**
 * The stated split of the fixtures: datasets ordered by the sha256 of their id; the first
 * half (rounded up) tunes the offline drafter's rules, the second half is held out. Rules may
 * be tuned on the tuning half only; the agreement that counts is the held-out half's.
 */
export const splitRule =
  'datasets ordered by sha256(dataset id): first half (rounded up) = tuning, second half = held out';

const digest = (dataset: string) => createHash('sha256').update(dataset).digest('hex');

/** The held-out datasets among `datasets`. */
export function heldOutDatasets(datasets: Iterable<string>): Set<string> {
  const ordered = [...new Set(datasets)].sort((a, b) => (digest(a) < digest(b) ? -1 : 1));
  return new Set(ordered.slice(Math.ceil(ordered.length / 2)));
}
