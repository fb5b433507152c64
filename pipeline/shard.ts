import { createHash } from 'node:crypto';
import { UserError } from './errors.ts';

/** `--shard k/n`: this process owns the datasets whose id hashes to k-1 modulo n. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UserError(`--shard ${text}: expected k/n with 1 <= k <= n, e.g. --shard 2/4`);
  }
  return { index, count };
}

/** Stable across machines and runs, and independent of which other datasets exist. */
export function inShard(datasetId: string, shard: Shard | undefined): boolean {
  if (!shard || shard.count === 1) return true;
  const bucket = createHash('sha256').update(datasetId).digest().readUInt32BE(0) % shard.count;
  return bucket === shard.index - 1;
}
