import { execFile } from 'node:child_process';
import { appendFile, cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testdir } from '../support/testdir.ts';

const run = promisify(execFile);
const cli = join(process.cwd(), 'bin/dare-forge.js');
const fixtures = join(process.cwd(), '../shared/fixtures/kaggle');

async function dareForge(args: string[], cwd = process.cwd()) {
  try {
    const { stdout, stderr } = await run('node', [cli, ...args], {
      cwd,
      env: { ...process.env, CI: 'true' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function mirrorConfig(root: string, extra = ''): string {
  return `source:\n  kind: mirror\n  mirror: ${fixtures}\n  max_datasets: 3\npaths:\n  raw: ${root}/raw\n  processed: ${root}/processed\n  splits: ${root}/splits\n${extra}`;
}

describe('dare-forge CLI', () => {
  it('explains every command with an example', async () => {
    const top = await dareForge(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Exit codes/);
    for (const command of ['scrape', 'run', 'config', 'calibrate']) {
      const help = await dareForge([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Example/);
    }
  });

  it('exits 2 on bad usage and on a bad config, naming the key', async () => {
    expect((await dareForge(['scrape', '--concurrency', 'zero'])).code).toBe(2);
    expect((await dareForge(['frobnicate'])).code).toBe(2);
    const root = await testdir({ 'bad.yaml': 'run:\n  concurrency: -1\nsurprise: 1\n' });
    const bad = await dareForge(['scrape', '--config', join(root, 'bad.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/run\.concurrency: /);
    expect(bad.stderr).toMatch(/surprise: unknown key/);
    const missing = await dareForge(['scrape', '--config', join(root, 'none.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/none\.yaml: no such file/);
  });

  it('scrapes a mirror, then finds everything fresh on a rerun', async () => {
    const root = await testdir();
    await writeFile(join(root, 'c.yaml'), mirrorConfig(root));
    const first = await dareForge(['scrape', '--config', join(root, 'c.yaml')]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/scrape\s+datasets 3\s+processed 3\s+fresh 0\s+ok 3/);
    const ids = await readdir(join(root, 'raw'));
    expect(ids).toHaveLength(3);
    const [id] = ids;
    expect((await readdir(join(root, 'raw', id as string))).sort()).toEqual([
      'files',
      'listing.json',
      'metadata.json',
      'scrape.json',
    ]);
    const second = await dareForge(['scrape', '--config', join(root, 'c.yaml')]);
    expect(second.stdout).toMatch(/processed 0\s+fresh 3/);
    const runs = await readdir(join(root, 'processed/_runs'));
    expect(runs).toHaveLength(2);
    const record = JSON.parse(await readFile(join(root, 'processed/_runs', runs[0] as string), 'utf8'));
    expect(record.stages[0]).toMatchObject({ stage: 'scrape', ok: 3 });
  });

  it('rescrapes a mirror dataset whose files were edited in place, and only that one', async () => {
    const root = await testdir();
    const index = JSON.parse(await readFile(join(fixtures, 'index.json'), 'utf8')) as { ref: string }[];
    const kept = index.slice(0, 3);
    const mirror = join(root, 'mirror');
    for (const { ref } of kept) await cp(join(fixtures, ref), join(mirror, ref), { recursive: true });
    await writeFile(join(mirror, 'index.json'), JSON.stringify(kept));
    await writeFile(join(root, 'c.yaml'), mirrorConfig(root).replace(fixtures, mirror));
    expect((await dareForge(['scrape', '--config', join(root, 'c.yaml')])).code).toBe(0);
    const ref = (kept[1] as { ref: string }).ref;
    const [file] = (await readdir(join(mirror, ref, 'files'))).sort();
    await appendFile(join(mirror, ref, 'files', file as string), '\n');
    const rerun = await dareForge(['scrape', '--config', join(root, 'c.yaml')]);
    expect(rerun.stdout).toMatch(/processed 1\s+fresh 2\s/);
    const id = ref.replace('/', '_');
    expect(await readFile(join(root, 'raw', id, 'files', file as string))).toEqual(
      await readFile(join(mirror, ref, 'files', file as string)),
    );
  });

  it('rejects a mirror dataset without a files/ folder as no_files and scrapes the others', async () => {
    const root = await testdir();
    const index = JSON.parse(await readFile(join(fixtures, 'index.json'), 'utf8')) as { ref: string }[];
    const kept = index.slice(0, 2);
    const mirror = join(root, 'mirror');
    for (const { ref } of kept) await cp(join(fixtures, ref), join(mirror, ref), { recursive: true });
    const bare = (kept[0] as { ref: string }).ref;
    await rm(join(mirror, bare, 'files'), { recursive: true });
    await writeFile(join(mirror, 'index.json'), JSON.stringify(kept));
    await writeFile(join(root, 'c.yaml'), mirrorConfig(root).replace(fixtures, mirror));
    const result = await dareForge(['scrape', '--config', join(root, 'c.yaml')]);
    expect(result.stdout).toMatch(/processed 2\s+fresh 0\s+ok 1\s+rejected 1/);
    expect(result.stdout + result.stderr).toContain('no_files');
  });

  it('sweeps folder swaps a killed scrape left behind, for its own datasets only', async () => {
    const root = await testdir();
    await writeFile(join(root, 'c.yaml'), mirrorConfig(root));
    const index = JSON.parse(await readFile(join(fixtures, 'index.json'), 'utf8')) as { ref: string }[];
    const first = (index[0] as { ref: string }).ref.replace('/', '_');
    await mkdir(join(root, 'raw', `.${first}.0123456789ab.tmp`, 'files'), { recursive: true });
    await mkdir(join(root, 'raw', '.someone_else.0123456789ab.tmp'), { recursive: true });
    expect((await dareForge(['scrape', '--config', join(root, 'c.yaml')])).code).toBe(0);
    const left = (await readdir(join(root, 'raw'))).filter((name) => name.startsWith('.'));
    expect(left).toEqual(['.someone_else.0123456789ab.tmp']);
  });

  it('prints the resolved config and the JSON schema', async () => {
    const printed = await dareForge(['config', '--print', '--config', 'configs/fixtures.yaml']);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(/kind: mirror/);
    expect(printed.stdout).toMatch(/seed: 20260227/);
    const schema = await dareForge(['config', '--schema']);
    expect(JSON.parse(schema.stdout).properties.corpus).toBeDefined();
  });
});
