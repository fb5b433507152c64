import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dareForge, mirrorConfig, startCli } from './support.ts';

async function tempLeftovers(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((e) => /\.tmp\b|\.part$/.test(e));
}

describe('Ctrl-C', () => {
  let root = '';
  let config = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'dare-forge-interrupt-'));
    config = join(root, 'c.yaml');
    await writeFile(config, mirrorConfig(root, 3));
    const built = await dareForge(['run', '--config', config]);
    // `run` builds everything once; the tests below redo verify with --force.
    expect(built.code).toBe(0);
  }, 240_000);
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('first Ctrl-C: in-flight datasets finish, no new ones start, the summary prints, exit 130', async () => {
    const child = startCli(['verify', '--force', '--config', config]);
    await child.waitFor(/\[verify\] 3 dataset\(s\)/);
    child.child.kill('SIGINT');
    expect(await child.exited).toBe(130);
    const { stdout, stderr } = child.output();
    expect(stderr).toMatch(/interrupted: finishing datasets in flight/);
    expect(stderr).toMatch(/rerun the same command to resume/);
    expect(stdout).toMatch(/Summary/);
    expect(stdout).toMatch(/verify\s+datasets 3\s+processed [01]\s+fresh 0/);
    // What was in flight finished with its real outcome, not an error the interrupt caused.
    expect(stdout).toMatch(/errors 0/);
    expect(await tempLeftovers(join(root, 'processed'))).toEqual([]);
    // Nothing half-done is left for a rerun: every dataset's record is complete and fresh.
    const rerun = await dareForge(['verify', '--config', config]);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(/verify\s+datasets 3\s+processed 0\s+fresh 3\s/);
  }, 240_000);

  it('Ctrl-C at a terminal (SIGINT to the whole process group): the sandbox survives, summary, exit 130', async () => {
    const child = startCli(['verify', '--force', '--config', config], { ownGroup: true });
    // Wait until the sandbox pool runs jobs, so its workers are in the signalled group's reach.
    await child.waitFor(/\[verify\] 3 dataset\(s\)/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    process.kill(-(child.child.pid as number), 'SIGINT');
    expect(await child.exited).toBe(130);
    const { stdout, stderr } = child.output();
    expect(stderr).not.toMatch(/internal error/);
    expect(stdout).toMatch(/Summary/);
    expect(stdout).toMatch(/errors 0/);
  }, 240_000);

  it('second Ctrl-C: exits 130 at once, without the summary', async () => {
    const child = startCli(['verify', '--force', '--config', config]);
    await child.waitFor(/\[verify\] 3 dataset\(s\)/);
    child.child.kill('SIGINT');
    await child.waitFor(/interrupted: finishing/);
    child.child.kill('SIGINT');
    expect(await child.exited).toBe(130);
    expect(child.output().stdout).not.toMatch(/Summary/);
  }, 120_000);
});
