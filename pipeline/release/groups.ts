import { compareCodeUnits } from '../util/order.ts';
import { estimateJaccard, type Sketch } from './minhash.ts';

export interface TableFingerprint {
  dataset: string;
  /** Column names, lower-cased and sorted. */
  columns: string[];
  sketch: Sketch;
}

export interface ContaminationLink {
  a: string;
  b: string;
  jaccard: number;
  column_overlap: number;
}

/**
 * Groups datasets that hold the same table: column sets overlapping at least
 * `columnOverlap` and row sets with estimated Jaccard at least `rowJaccard`. Returns a group
 * id (the smallest dataset id of the group) per dataset, and the links that formed groups.
 */
export function groupNearDuplicates(
  tables: readonly TableFingerprint[],
  k: number,
  rowJaccard: number,
  columnOverlap: number,
): { groupOf: Map<string, string>; links: ContaminationLink[] } {
  const parent = new Map(tables.map((t) => [t.dataset, t.dataset]));
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(x, root);
    return root;
  };
  const links: ContaminationLink[] = [];
  const sorted = [...tables].sort((x, y) => compareCodeUnits(x.dataset, y.dataset));
  for (let i = 0; i < sorted.length; i += 1) {
    for (let j = i + 1; j < sorted.length; j += 1) {
      const a = sorted[i] as TableFingerprint;
      const b = sorted[j] as TableFingerprint;
      if (a.dataset === b.dataset) continue;
      const overlap = jaccardOfSets(a.columns, b.columns);
      if (overlap < columnOverlap) continue;
      const jaccard = estimateJaccard(a.sketch, b.sketch, k);
      if (jaccard < rowJaccard) continue;
      links.push({ a: a.dataset, b: b.dataset, jaccard: round(jaccard), column_overlap: round(overlap) });
      const [ra, rb] = [find(a.dataset), find(b.dataset)];
      // The smaller id becomes the root, so a group is named by its smallest member.
      if (ra < rb) parent.set(rb, ra);
      else if (rb < ra) parent.set(ra, rb);
    }
  }
  return { groupOf: new Map(sorted.map((t) => [t.dataset, find(t.dataset)])), links };
}

function jaccardOfSets(a: readonly string[], b: readonly string[]): number {
  const setA = new Set(a);
  const setB = new Set(b);
  let both = 0;
  for (const x of setA) if (setB.has(x)) both += 1;
  const union = setA.size + setB.size - both;
  return union === 0 ? 0 : both / union;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
