import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../pipeline/stages/profile/index.ts';
import { profileSchema } from '../../pipeline/stages/profile/schema.ts';
import { addScraped, profileContext, tempRoot } from './support.ts';

/**
 * A large file's quantiles (t-digest) and moments (float sums) depend on the order DuckDB
 * folds row groups; several row groups (122,880 rows each) make the order vary with threads.
 */
function generatedCsv(rows: number, numericColumns: number): string {
  let state = 12345;
  const next = () => {
    state = (state * 48271) % 2147483647;
    return state;
  };
  const header = [...Array.from({ length: numericColumns }, (_, i) => `x${i}`), 'label'];
  const lines = [header.join(',')];
  for (let r = 0; r < rows; r++) {
    const cells = Array.from({ length: numericColumns }, (_, i) => String((next() % 100_000) / (7 + i)));
    lines.push(`${cells.join(',')},${next() % 2 === 0 ? 'yes' : 'no'}`);
  }
  return `${lines.join('\n')}\n`;
}

let root: string;
let csv: string;

async function profileText(name: string, yaml: string, text = csv): Promise<string> {
  const id = await addScraped(root, name, { 'big.csv': text });
  const ctx = profileContext(root, `profile:\n  exact_max_bytes: 0\n${yaml}`);
  try {
    expect(await run(ctx, { only: [id] })).toMatchObject({ ok: 1 });
  } finally {
    await ctx.close();
  }
  const raw = await readFile(join(root, 'processed', id, 'profile.json'), 'utf8');
  // The dataset id is the only thing that differs between the copies.
  return raw.replaceAll(id, 'ID');
}

beforeAll(async () => {
  root = await tempRoot();
  csv = generatedCsv(400_000, 3);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('profile of a large file is reproducible', () => {
  it('gives byte-identical profile.json across runs and thread counts', async () => {
    const outputs = [
      await profileText('two_a', '  threads: 2\n'),
      await profileText('one_a', '  threads: 1\n'),
      await profileText('two_b', '  threads: 2\n'),
      await profileText('two_c', '  threads: 2\n'),
    ];
    for (const output of outputs.slice(1)) expect(output).toBe(outputs[0]);
    const column = profileSchema.parse(JSON.parse(outputs[0] ?? '')).tables[0]?.columns[0];
    expect(column?.approximate).toContain('quantiles');
    expect(column?.quantiles?.p50).toBeGreaterThan(5000);
    expect(column?.quantiles?.p50).toBeLessThan(9300);
    expect(Math.abs((column?.mean ?? 0) - 100_000 / 2 / 7)).toBeLessThan(70);
  }, 240_000);

  it('computes the same statistics for a wide table (long form)', async () => {
    const wide = generatedCsv(3000, 70);
    const profile = profileSchema.parse(JSON.parse(await profileText('wide', '', wide)));
    const exactId = await addScraped(root, 'wide_exact', { 'big.csv': wide });
    const ctx = profileContext(root, '');
    try {
      expect(await run(ctx, { only: [exactId] })).toMatchObject({ ok: 1 });
    } finally {
      await ctx.close();
    }
    const exact = profileSchema.parse(
      JSON.parse(await readFile(join(root, 'processed', exactId, 'profile.json'), 'utf8')),
    );
    const columns = profile.tables[0]?.columns ?? [];
    expect(columns).toHaveLength(71);
    for (const [i, column] of columns.slice(0, 70).entries()) {
      const reference = exact.tables[0]?.columns[i];
      expect(column.approximate).toContain('quantiles');
      expect(column.mean).toBeCloseTo(reference?.mean ?? Number.NaN, 6);
      expect(column.std).toBeCloseTo(reference?.std ?? Number.NaN, 6);
      const spread = (reference?.max as number) - (reference?.min as number);
      expect(Math.abs((column.quantiles?.p50 ?? 0) - (reference?.quantiles?.p50 ?? 0))).toBeLessThan(
        spread / 50,
      );
    }
  }, 120_000);
});
