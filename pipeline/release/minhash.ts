import { createHash } from 'node:crypto';

/**
 * Bottom-k MinHash sketches over sets of row hashes: one hash per row, keep the k smallest.
 * The Jaccard similarity of two tables' row sets is estimated from the k smallest hashes of
 * the union, so near-copies of a table published under different refs are found without
 * comparing every pair of rows.
 */
export type Sketch = readonly bigint[];

export function rowHash(cells: readonly (string | null)[]): bigint {
  const text = cells.map((c) => (c === null ? '\u0000' : c)).join('\u0001');
  return createHash('sha256').update(text).digest().readBigUInt64BE(0);
}

export function sketch(hashes: Iterable<bigint>, k: number): Sketch {
  const unique = [...new Set(hashes)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return unique.slice(0, k);
}

export function estimateJaccard(a: Sketch, b: Sketch, k: number): number {
  if (a.length === 0 || b.length === 0) return 0;
  const inA = new Set(a);
  const inB = new Set(b);
  const union = sketch([...a, ...b], k);
  let both = 0;
  for (const h of union) if (inA.has(h) && inB.has(h)) both += 1;
  return both / union.length;
}
