import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { asDatasetId } from '../../pipeline/ids.ts';
import { run as profile } from '../../pipeline/stages/profile/index.ts';
import { readStatus } from '../../pipeline/store/status.ts';
import { testContext, testdir } from '../support/testdir.ts';
import { markScraped } from './support.ts';

it('rejects a gzipped binary file named .csv.gz as not_tabular, as it does the same file unzipped', async () => {
  const root = await testdir();
  const ctx = testContext(root);
  // A zip header with NUL bytes: binary, whatever the name says.
  const binary = Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 0xff, 0xfe, 0, 1, 2, 0, 0, 0, 0x27, 0x22]);
  const ids = [];
  for (const [name, file, content] of [
    ['zipped', 'a.csv.gz', gzipSync(binary)],
    ['plain', 'a.csv', binary],
  ] as const) {
    const id = asDatasetId(`owner_${name}`);
    await mkdir(ctx.paths.rawFilesDir(id), { recursive: true });
    await writeFile(join(ctx.paths.rawFilesDir(id), file), content);
    await writeFile(join(ctx.paths.rawDir(id), 'listing.json'), JSON.stringify({ ref: `owner/${name}` }));
    await writeFile(join(ctx.paths.rawDir(id), 'metadata.json'), JSON.stringify({ info: { title: name } }));
    await markScraped(ctx.paths, id);
    ids.push(id);
  }
  await profile(ctx);
  for (const id of ids) {
    const outcome = (await readStatus(ctx.paths, 'profile', id))?.outcome;
    expect(outcome?.status, id).toBe('rejected');
    // Never a DuckDB parser error from binary bytes reaching a reader.
    expect(JSON.stringify(outcome), id).toMatch(/not_tabular.*holds binary data, not csv text/);
  }
  await ctx.close();
});
