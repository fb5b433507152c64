import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { registerAdd } from '../../pipeline/commands/add.ts';
import { UserError } from '../../pipeline/errors.ts';
import { fixtureRoot, removeDir, tempDir } from './helpers.ts';
import { KaggleServer } from './server/index.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function program(): { program: Command; exit: () => number | undefined } {
  let code: number | undefined;
  const root = new Command('dare-forge').version('0.0.0').exitOverride();
  registerAdd(root, (c) => {
    code = c;
  });
  return { program: root, exit: () => code };
}

describe('dare-forge add (command line)', () => {
  it('refuses a ref that is not owner/slug before touching the network', async () => {
    const { program: root } = program();
    await expect(root.parseAsync(['add', '../etc/passwd'], { from: 'user' })).rejects.toBeInstanceOf(
      UserError,
    );
  });

  it('adds a pinned version with --version (not swallowed by the program version flag)', async () => {
    const server = await KaggleServer.start({ root: fixtureRoot });
    const dir = await tempDir();
    cleanups.push(
      () => server.close(),
      () => removeDir(dir),
    );
    const configPath = join(dir, 'config.yaml');
    await writeFile(
      configPath,
      [
        'paths:',
        `  raw: ${join(dir, 'raw')}`,
        `  processed: ${join(dir, 'processed')}`,
        'kaggle:',
        `  base_url: ${server.url}`,
        '  url_style: rest',
        '  requests_per_minute: 0',
      ].join('\n'),
    );
    const { program: root, exit } = program();
    const ref = 'carlmcbrideellis/data-anscombes-quartet';
    await root.parseAsync(['add', ref, '--version', '2', '-c', configPath], { from: 'user' });
    expect(exit()).toBe(0);
    const download = server.requestsFor({ ref, op: 'download' });
    expect(download.map((r) => r.path)).toEqual([`/api/v1/datasets/download/${ref}`]);
    const scrape = JSON.parse(
      await readFile(join(dir, 'raw', 'carlmcbrideellis_data-anscombes-quartet', 'scrape.json'), 'utf8'),
    );
    expect(scrape.version).toBe(2);
  });
});
