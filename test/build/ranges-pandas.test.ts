import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeRange, inRange, rangeJson } from '../../pipeline/stages/build/ranges.ts';
import { testdir } from '../support/testdir.ts';
import { stream } from '../verify/tasks.ts';

/** How many rows pandas keeps when it reads `texts` from a CSV and filters by `range` (as the reference does). */
function keptByPandas(path: string, range: (string | number)[], interval: boolean): number {
  const script = [
    'import json, sys, pandas as pd',
    "x = pd.read_csv(sys.argv[1], keep_default_na=False, na_values=[''])['x']",
    'r = json.loads(sys.argv[2])',
    `kept = x.between(r[0], r[1]) if ${interval ? 'True' : 'False'} else x.isin(r)`,
    'print(int(kept.sum()))',
  ].join('\n');
  return Number(
    execFileSync('/usr/bin/python3', ['-c', script, path, JSON.stringify(range)], { encoding: 'utf8' }),
  );
}

describe('expected ranges read back by pandas', () => {
  // Values with 16-17 significant digits, as perturbed or scraped floats often are.
  const random = stream(99);
  const texts = Array.from({ length: 3000 }, () =>
    (random() * 10 ** (1 + Math.floor(random() * 5))).toPrecision(17),
  );

  it('keep every clean row of a long-decimal column, boundaries included', async () => {
    const path = join(await testdir(), 'x.csv');
    await writeFile(path, `x\n${texts.join('\n')}\n`);
    const range = computeRange(texts, 'numerical', 'float', 50);
    if (range?.kind !== 'interval') throw new Error('expected an interval');
    expect(keptByPandas(path, rangeJson(range), true)).toBe(texts.length);
    expect(texts.every((text) => inRange(range, text))).toBe(true);
    // A value just past the boundary under both readings is out.
    expect(inRange(range, String(range.max * (1 + 1e-9)))).toBe(false);
  });

  it('keep every clean row of a numeric category column', async () => {
    const values = texts.slice(0, 40);
    const rows = Array.from({ length: 400 }, (_, i) => values[i % values.length] as string);
    const path = join(await testdir(), 'x.csv');
    await writeFile(path, `x\n${rows.join('\n')}\n`);
    const range = computeRange(rows, 'categorical', 'float', 100);
    if (range?.kind !== 'categories') throw new Error('expected categories');
    expect(keptByPandas(path, rangeJson(range), false)).toBe(rows.length);
  });
});
