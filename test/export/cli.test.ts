import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmallRelease, smallRelease } from './support.ts';

const run = promisify(execFile);
const cli = join(process.cwd(), 'bin/dare-forge.js');
let built: SmallRelease;

async function dareForge(args: string[]) {
  try {
    const { stdout, stderr } = await run('node', [cli, ...args], { env: { ...process.env, CI: 'true' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  built = await smallRelease();
}, 180_000);
afterAll(async () => {
  await built?.cleanup();
});

describe('dare-forge export (CLI)', { timeout: 120_000 }, () => {
  it('explains export and reward-server with examples', async () => {
    for (const command of ['export', 'reward-server']) {
      const help = await dareForge([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`Examples?:\\n\\s+\\$ dare-forge ${command} --release`));
    }
  });

  it('writes beside the DARE layout by default and refuses a bad split or format', async () => {
    const done = await dareForge(['export', '--release', built.split, '--format', 'trl']);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(/export trl: 6 task variants in .*exports\/trl\/train/);
    expect((await readdir(join(built.split, '..', 'exports', 'trl', 'train'))).sort()).toContain(
      'train.jsonl',
    );
    expect((await readdir(built.split)).sort()).toEqual(['databases', 'question_list.json']);
    const missing = await dareForge(['export', '--release', join(built.root, 'nowhere'), '--format', 'trl']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no question_list\.json there/);
    const format = await dareForge(['export', '--release', built.split, '--format', 'csv']);
    expect(format.code).toBe(2);
  });
});
