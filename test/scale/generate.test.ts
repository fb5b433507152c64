import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCorpus } from '../../bench/scale/rig/generate.ts';
import { perturbCsv } from '../../bench/scale/rig/perturb.ts';
import { rng } from '../../pipeline/util/seed.ts';
import { removeDir, tempDir } from '../kaggle/helpers.ts';
import { fixtureRoot, hashTree } from './helpers.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await removeDir(dir);
});

async function generated(seed: number) {
  const out = await tempDir('scale-gen-');
  dirs.push(out);
  const refs = await generateCorpus({ fixtures: fixtureRoot, out, count: 40, seed, maxRows: 100 });
  return { out, refs };
}

describe('the scale rig generator', () => {
  it('writes the same mirror for the same seed, new refs past the 36 fixtures, and honest sizes', async () => {
    const [a, b, other] = await Promise.all([generated(5), generated(5), generated(6)]);
    expect(await hashTree(a.out)).toEqual(await hashTree(b.out));
    expect(await hashTree(other.out)).not.toEqual(await hashTree(a.out));
    expect(new Set(a.refs.map((r) => r.ref)).size).toBe(40);
    // Dataset 36 reuses the first fixture under a new ref.
    expect(a.refs[36]?.base).toBe(a.refs[0]?.base);
    expect(a.refs[36]?.ref).not.toBe(a.refs[0]?.ref);

    const index = JSON.parse(await readFile(join(a.out, 'index.json'), 'utf8')) as {
      ref: string;
      totalBytes: number;
    }[];
    for (const item of index.slice(0, 5)) {
      const [owner, slug] = item.ref.split('/') as [string, string];
      const name = `${(item.ref.split('/')[1] ?? '').replace(/-v\d+$/, '')}.csv`;
      const text = await readFile(join(a.out, owner, slug, 'files', name), 'utf8');
      expect(Buffer.byteLength(text)).toBe(item.totalBytes);
      expect(text.trimEnd().split('\n').length - 1).toBeLessThanOrEqual(100);
    }
  });

  it('keeps quoted fields whole and jitters only decimal cells', () => {
    const rows = Array.from({ length: 60 }, (_, i) => `${i},"a, ""b""\nc",${i}.25`);
    const out = perturbCsv(`id,text,x\n${rows.join('\n')}\n`, {
      random: rng(1),
      keepFraction: 0.5,
      maxRows: 1000,
      noise: 0.01,
    });
    const [header, ...kept] = out.trimEnd().split(/\n(?=\d+,)/);
    expect(header).toBe('id,text,x');
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.length).toBeLessThan(60);
    for (const row of kept) {
      const [id, text, x] = [
        row.split(',')[0],
        row.slice(row.indexOf('"'), row.lastIndexOf('"') + 1),
        row.split(',').at(-1),
      ];
      expect(text).toBe('"a, ""b""\nc"');
      expect(Math.abs(Number(x) - (Number(id) + 0.25))).toBeLessThanOrEqual(
        (Number(id) + 0.25) * 0.01 + 0.01,
      );
      expect(x).toMatch(/^\d+\.\d{2}$/);
    }
  });
});
