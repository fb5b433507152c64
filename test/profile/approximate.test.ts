import { copyFile, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../pipeline/stages/profile/index.ts';
import { type Profile, profileSchema } from '../../pipeline/stages/profile/schema.ts';
import { addScraped, fixturesDir, profileContext, tempRoot } from './support.ts';

const fixture = join(fixturesDir, 'bahadirbor/bist-automotive-stocks/files/bist-automotive-stocks.csv');
let exactRoot: string;
let approxRoot: string;

async function profileWith(root: string, yaml: string): Promise<Profile> {
  const id = await addScraped(root, 'bist_stocks', {});
  await copyFile(fixture, join(root, 'raw', id, 'files', 'stocks.csv'));
  const ctx = profileContext(root, yaml);
  try {
    expect(await run(ctx)).toMatchObject({ ok: 1 });
  } finally {
    await ctx.close();
  }
  return profileSchema.parse(JSON.parse(await readFile(join(root, 'processed', id, 'profile.json'), 'utf8')));
}

let exact: Profile;
let approx: Profile;

beforeAll(async () => {
  exactRoot = await tempRoot();
  approxRoot = await tempRoot();
  exact = await profileWith(exactRoot, '');
  // Every file counts as large: the streaming, estimating path on a table small enough to check.
  approx = await profileWith(approxRoot, 'profile:\n  exact_max_bytes: 0\n');
});

afterAll(async () => {
  await rm(exactRoot, { recursive: true, force: true });
  await rm(approxRoot, { recursive: true, force: true });
});

describe('profile of a large file (approximate statistics)', () => {
  it('finds the step of a time column with more distinct instants than are read whole', async () => {
    const root = await tempRoot();
    try {
      const start = Date.UTC(2020, 0, 1);
      const lines = Array.from({ length: 120_000 }, (_, i) => {
        const stamp = new Date(start + i * 60_000).toISOString().slice(0, 19).replace('T', ' ');
        return `${stamp},${i % 7}`;
      });
      const id = await addScraped(root, 'minutes', { 'm.csv': `at,k\n${lines.join('\n')}\n` });
      const ctx = profileContext(root, 'profile:\n  exact_max_bytes: 0\n');
      try {
        expect(await run(ctx)).toMatchObject({ ok: 1 });
      } finally {
        await ctx.close();
      }
      const profile = profileSchema.parse(
        JSON.parse(await readFile(join(root, 'processed', id, 'profile.json'), 'utf8')),
      );
      const [at, k] = profile.tables[0]?.columns ?? [];
      expect(at?.datetime).toMatchObject({
        inferred_frequency: '1min',
        regularity: 1,
        format: '%Y-%m-%d %H:%M:%S',
      });
      expect(at).toMatchObject({ distinct_count: 120_000 });
      expect(k).toMatchObject({ distinct_count: 7, semantic_type: 'numeric' });
      expect(k?.top_values[0]).toEqual({ value: '0', count: 17_143 });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('agrees with the exact profile where it counts, and says what it estimated', () => {
    const [e, a] = [exact.tables[0], approx.tables[0]];
    expect(a?.rows).toBe(e?.rows);
    for (const [i, column] of (a?.columns ?? []).entries()) {
      const reference = e?.columns[i];
      expect(column.name).toBe(reference?.name);
      expect(column.null_count).toBe(reference?.null_count);
      expect(column.min).toEqual(reference?.min);
      expect(column.max).toEqual(reference?.max);
      if (reference?.mean != null) expect(column.mean).toBeCloseTo(reference.mean, 6);
      // Small domains are counted exactly even here, so their top values match.
      if ((reference?.distinct_count ?? 0) <= 100) {
        expect(column.distinct_count, column.name).toBe(reference?.distinct_count);
        expect(column.top_values).toEqual(reference?.top_values);
      }
      expect(reference?.approximate).toBeUndefined();
    }
    const close = a?.columns.find((c) => c.name === 'close');
    expect(close?.approximate).toContain('quantiles');
    const date = a?.columns.find((c) => c.name === 'date');
    expect(date?.datetime).toEqual(e?.columns.find((c) => c.name === 'date')?.datetime);
  });
});
