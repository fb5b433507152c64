import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatJson, replaceDirAtomic, writeJsonAtomic } from '../../pipeline/store/atomic.ts';
import { hashValue, stableStringify } from '../../pipeline/util/hash.ts';
import { deriveSeed, rng } from '../../pipeline/util/seed.ts';
import { testdir } from '../support/testdir.ts';

describe('atomic writes', () => {
  it('writes sorted, stable JSON and leaves no temp file', async () => {
    const dir = await testdir();
    await writeJsonAtomic(join(dir, 'a/b.json'), { b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } });
    expect(await readFile(join(dir, 'a/b.json'), 'utf8')).toBe(
      formatJson({ a: { c: null, d: [2, { y: 2, z: 1 }] }, b: 1 }),
    );
    expect(await readdir(join(dir, 'a'))).toEqual(['b.json']);
  });

  it('replaces a folder whole, and keeps the old one when filling fails', async () => {
    const dir = await testdir({ 'target/old.txt': 'old' });
    await replaceDirAtomic(join(dir, 'target'), async (temp) => {
      await writeJsonAtomic(join(temp, 'new.json'), 1);
    });
    expect(await readdir(join(dir, 'target'))).toEqual(['new.json']);
    await expect(
      replaceDirAtomic(join(dir, 'target'), async () => {
        throw new Error('half way');
      }),
    ).rejects.toThrow('half way');
    expect(await readdir(join(dir, 'target'))).toEqual(['new.json']);
    expect(await readdir(dir)).toEqual(['target']);
  });
});

describe('hashing and seeds', () => {
  it('hashes values independently of key order', () => {
    expect(stableStringify({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
    expect(hashValue({ b: 1, a: [1, 2] })).toBe(hashValue({ a: [1, 2], b: 1 }));
    expect(hashValue({ a: [1, 2] })).not.toBe(hashValue({ a: [2, 1] }));
  });

  it('derives independent, reproducible seeds per dataset and purpose', () => {
    expect(deriveSeed(1, 'a_b', 'split')).toBe(deriveSeed(1, 'a_b', 'split'));
    expect(deriveSeed(1, 'a_b', 'split')).not.toBe(deriveSeed(1, 'a_c', 'split'));
    expect(deriveSeed(1, 'a_b', 'split')).not.toBe(deriveSeed(2, 'a_b', 'split'));
    const draws = Array.from({ length: 5 }, rng(deriveSeed(7, 'x_y', 'noise')));
    expect(Array.from({ length: 5 }, rng(deriveSeed(7, 'x_y', 'noise')))).toEqual(draws);
    expect(draws.every((d) => d >= 0 && d < 1)).toBe(true);
  });
});
