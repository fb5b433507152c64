import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../pipeline/config/load.ts';
import { TOOL_DIR } from '../../pipeline/config/paths.ts';
import { testdir } from '../support/testdir.ts';
import { dareForge, fixtures } from './support.ts';

describe('relative paths in a config', () => {
  it('resolve against the config file folder; unset outputs sit beside it, bundled inputs come from the tool', async () => {
    const root = await testdir({ 'proj/c.yaml': 'paths:\n  raw: work/raw\nsource:\n  mirror: m\n' });
    const { config } = await loadConfig(join(root, 'proj/c.yaml'));
    expect(config.paths.raw).toBe(join(root, 'proj/work/raw'));
    expect(config.paths.processed).toBe(join(root, 'proj/processed'));
    expect(config.source.mirror).toBe(join(root, 'proj/m'));
    expect(config.source.catalog).toBe(join(TOOL_DIR, 'configs/catalog.yaml'));
    expect(config.release.license_table).toBe(join(TOOL_DIR, 'configs/licenses.yaml'));
  });

  it('a run from another folder works on the folders the config names, and audit sees the same', async () => {
    const root = await testdir();
    await mkdir(join(root, 'proj'));
    await symlink(fixtures, join(root, 'proj/mirror'));
    await writeFile(
      join(root, 'proj/c.yaml'),
      'source:\n  kind: mirror\n  mirror: mirror\n  max_datasets: 1\npaths:\n  raw: out/raw\n  processed: out/processed\n',
    );
    const elsewhere = join(root, 'elsewhere');
    await mkdir(elsewhere);
    const scraped = await dareForge(['scrape', '--config', '../proj/c.yaml'], { cwd: elsewhere });
    expect(scraped.code, scraped.stderr).toBe(0);
    const [id] = await readdir(join(root, 'proj/out/raw'));
    expect(id).toBeTruthy();
    expect(await readdir(elsewhere)).toEqual([]);
    const fromRoot = await dareForge(['audit', id as string, '--json', '--config', 'proj/c.yaml'], {
      cwd: root,
    });
    const fromProj = await dareForge(['audit', id as string, '--json', '--config', 'c.yaml'], {
      cwd: join(root, 'proj'),
    });
    expect(fromRoot.code, fromRoot.stderr).toBe(0);
    expect(fromRoot.stdout).toContain(id as string);
    expect(fromProj.stdout).toBe(fromRoot.stdout);
  }, 120_000);

  it('keeps the shipped configs pointing at the repo folders from the repo root', async () => {
    const { config } = await loadConfig('configs/default.yaml');
    expect(config.paths.processed).toBe(join(process.cwd(), 'processed'));
    expect(config.source.catalog).toBe(join(process.cwd(), 'configs/catalog.yaml'));
  });
});

describe('config', () => {
  it('is not "valid" when the catalog, mirror or license table it names does not exist', async () => {
    const root = await testdir({
      'mirror.yaml': 'source:\n  kind: mirror\n  mirror: nowhere\nrelease:\n  license_table: lic.yaml\n',
      'catalog.yaml': 'source:\n  kind: catalog\n  catalog: no-catalog.yaml\n',
    });
    const mirror = await dareForge(['config', '--config', join(root, 'mirror.yaml')]);
    expect(mirror.code).toBe(2);
    expect(mirror.stdout).not.toMatch(/valid/);
    expect(mirror.stderr).toContain(`source.mirror: ${join(root, 'nowhere')} does not exist`);
    expect(mirror.stderr).toContain(`release.license_table: ${join(root, 'lic.yaml')} does not exist`);
    const catalog = await dareForge(['config', '--config', join(root, 'catalog.yaml')]);
    expect(catalog.code).toBe(2);
    expect(catalog.stderr).toContain(`source.catalog: ${join(root, 'no-catalog.yaml')} does not exist`);
    const good = await dareForge(['config', '--config', 'configs/default.yaml']);
    expect(good.code).toBe(0);
    expect(good.stdout).toBe('configs/default.yaml: valid\n');
  });
});

describe('a missing API key', () => {
  it('is named before any stage runs, for a dry run too; the offline drafter needs none', async () => {
    const root = await testdir();
    const config = join(root, 'c.yaml');
    await writeFile(config, 'draft:\n  provider: anthropic\n');
    for (const args of [['run'], ['run', '--dry-run'], ['draft']]) {
      const result = await dareForge([...args, '--config', config], { env: { ANTHROPIC_API_KEY: '' } });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^dare-forge: ANTHROPIC_API_KEY is not set, and draft.provider is anthropic/,
      );
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(await readdir(root)).toEqual(['c.yaml']);
    await writeFile(config, 'draft:\n  provider: offline\npaths:\n  processed: out/processed\n');
    const offline = await dareForge(['run', '--dry-run', '--config', config], {
      env: { ANTHROPIC_API_KEY: '' },
    });
    expect(offline.stderr).not.toMatch(/API_KEY/);
    expect(offline.code).toBe(0);
  }, 180_000);
});

describe('empty pipelines', () => {
  it('verify before build says what to run first and exits 1', async () => {
    const root = await testdir({ 'c.yaml': 'paths:\n  processed: out/processed\n  raw: out/raw\n' });
    const result = await dareForge(['verify', '--config', join(root, 'c.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /verify: nothing to do: no dataset under .*out\/processed has passed build yet; run `dare-forge build`/,
    );
  });

  it('release of nothing writes nothing and exits 1; release takes release.version from the config', async () => {
    const root = await testdir({
      'c.yaml': 'release:\n  version: 0.0.7\npaths:\n  processed: out/processed\n  splits: out/splits\n',
    });
    const config = join(root, 'c.yaml');
    const empty = await dareForge(['release', '--config', config]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(
      /release 0\.0\.7: nothing to release: no task in .* passed verification; run `dare-forge verify`/,
    );
    expect(await readdir(root)).toEqual(['c.yaml']);
    const corpus = join(process.cwd(), '../shared/fixtures/dare-eval');
    const released = await dareForge(['release', '--config', config, '--corpus', corpus]);
    expect(released.code, released.stderr).toBe(0);
    expect(released.stdout).toMatch(/^release 0\.0\.7: /);
    const manifest = JSON.parse(await readFile(join(root, 'out/splits/0.0.7/manifest.json'), 'utf8'));
    expect(manifest.version).toBe('0.0.7');
  }, 120_000);
});
