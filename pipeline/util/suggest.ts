/** Edit distance (insert, delete, substitute), for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Up to `limit` known names close to `name`: those containing it (or contained in it) first, then
 * those within a fifth of its length in edits. Ties keep code-point order.
 */
export function nearNames(name: string, known: readonly string[], limit = 3): string[] {
  const lower = name.toLowerCase();
  const scored = known
    .map((k) => {
      const kl = k.toLowerCase();
      const contains = kl.includes(lower) || lower.includes(kl);
      return { k, score: contains ? 0 : editDistance(lower, kl) };
    })
    .filter((s) => s.score <= Math.max(2, Math.floor(name.length / 5)))
    .sort((a, b) => a.score - b.score || (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return scored.slice(0, limit).map((s) => s.k);
}

/** " (did you mean a, b?)" or "" when nothing is near. */
export function didYouMean(name: string, known: readonly string[]): string {
  const near = nearNames(name, known);
  return near.length > 0 ? ` (did you mean ${near.join(', ')}?)` : '';
}
