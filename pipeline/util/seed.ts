import { createHash } from 'node:crypto';

/**
 * A 32-bit seed derived from the corpus seed, the dataset id and a purpose label, so that
 * every random choice is reproducible and adding a dataset never shifts another's choices.
 */
export function deriveSeed(corpusSeed: number, datasetId: string, purpose: string): number {
  const digest = createHash('sha256').update(`${corpusSeed}\u0000${datasetId}\u0000${purpose}`).digest();
  return digest.readUInt32BE(0);
}

/** mulberry32: small, fast, good enough for splits and menu picks, and identical everywhere. */
export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
