import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');

/**
 * Release and audit artifacts must not depend on the machine's locale: String#localeCompare
 * sorts by the process's ICU locale (LANG/LC_ALL), where e.g. Danish puts "aa" after "z" and
 * Czech puts "ch" after "h". The same inputs must give the same split and the same order.
 */
const script = `
import { planSplit } from './pipeline/release/split.ts';
import { groupNearDuplicates } from './pipeline/release/groups.ts';
import { licenseDistribution } from './pipeline/release/card.ts';
const ids = ['zeta_y', 'aalborg_x', 'hotel_b', 'chess_a'];
const split = planSplit(ids.map((dataset) => ({ dataset, lastUpdated: null, group: dataset })), 0.5);
const sketch = [1, 2, 3, 4];
const groups = groupNearDuplicates(ids.map((dataset) => ({ dataset, columns: ['a'], sketch })), 4, 0.5, 0.5);
const card = licenseDistribution({ version: '1.0.0', counts: {
  by_license: { 'zlib': { train: 1, eval: 0 }, 'aal-1.0': { train: 1, eval: 0 }, 'cc-by-4.0': { train: 1, eval: 0 }, 'hpnd': { train: 1, eval: 0 } },
  open_license: { train: 0, eval: 0 } } });
console.log(JSON.stringify({ split, links: groups.links, card }));
`;

async function inLocale(locale: string): Promise<unknown> {
  const env = { ...process.env, LANG: locale, LC_ALL: locale };
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    env,
  });
  return JSON.parse(stdout);
}

describe('ordering in release artifacts', () => {
  it('is the same under en_US, da_DK and cs_CZ, and is code-point order', async () => {
    const [en, da, cs] = await Promise.all(['en_US.UTF-8', 'da_DK.UTF-8', 'cs_CZ.UTF-8'].map(inLocale));
    expect(da).toEqual(en);
    expect(cs).toEqual(en);
    expect((en as { split: { eval: string[] } }).split.eval).toEqual(['aalborg_x', 'chess_a']);
  });
});
