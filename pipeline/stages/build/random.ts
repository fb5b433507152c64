import { deriveSeed, rng } from '../../util/seed.ts';

/** Seeded choices for one purpose of one dataset: the same seed always gives the same picks. */
export class Random {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = rng(seed);
  }

  static for(corpusSeed: number, datasetId: string, purpose: string): Random {
    return new Random(deriveSeed(corpusSeed, datasetId, purpose));
  }

  float(): number {
    return this.#next();
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.#next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty menu');
    return items[Math.floor(this.#next() * items.length)] as T;
  }

  /** A pick from (choice, weight) pairs, proportional to the weights (at least one positive). */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const positive = entries.filter(([, w]) => w > 0);
    const total = positive.reduce((sum, [, w]) => sum + w, 0);
    let point = this.#next() * total;
    for (const [key, weight] of positive) {
      point -= weight;
      if (point < 0) return key;
    }
    const last = positive.at(-1);
    if (!last) throw new Error('every weight is zero');
    return last[0];
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.#next() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  /** shuffle(0..n-1) with the same draws, as 4 bytes per index (for orders over whole tables). */
  shuffledIndices(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.#next() * (i + 1));
      const swap = out[i] as number;
      out[i] = out[j] as number;
      out[j] = swap;
    }
    return out;
  }

  /** k distinct indices from 0..n-1, ascending. */
  sampleIndices(n: number, k: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i))
      .slice(0, Math.min(k, n))
      .sort((a, b) => a - b);
  }
}
