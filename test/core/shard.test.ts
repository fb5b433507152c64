import { describe, expect, it } from 'vitest';
import { UserError } from '../../pipeline/errors.ts';
import { inShard, parseShard } from '../../pipeline/shard.ts';

describe('shards', () => {
  it('parses k/n and refuses nonsense', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', 'a/b', '1']) expect(() => parseShard(bad)).toThrow(UserError);
  });

  it('splits datasets into disjoint, covering, stable subsets', () => {
    const ids = Array.from({ length: 400 }, (_, i) => `owner${i}_slug${i}`);
    const shards = [1, 2, 3].map((index) => ids.filter((id) => inShard(id, { index, count: 3 })));
    expect(shards.flat().sort()).toEqual([...ids].sort());
    for (const shard of shards) expect(shard.length).toBeGreaterThan(90);
    expect(ids.filter((id) => inShard(id, { index: 2, count: 3 }))).toEqual(shards[1]);
    expect(ids.every((id) => inShard(id, undefined) && inShard(id, { index: 1, count: 1 }))).toBe(true);
  });
});
