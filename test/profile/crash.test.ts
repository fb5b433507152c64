import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../pipeline/stages/profile/index.ts';
import { profileSchema } from '../../pipeline/stages/profile/schema.ts';
import { addFixtures, profileContext, tempRoot } from './support.ts';

let root: string;

beforeAll(async () => {
  root = await tempRoot();
  await addFixtures(root);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function filesUnder(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true })).map(String);
  } catch {
    return [];
  }
}

async function waitFor(check: () => Promise<boolean>, child: ChildProcess): Promise<void> {
  for (;;) {
    if (await check()) return;
    if (child.exitCode !== null)
      throw new Error(`the profile run ended (exit ${child.exitCode}) before it could be killed`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('profile stage killed mid-run', () => {
  it('leaves only complete artifacts, and a rerun finishes the rest', async () => {
    const processed = join(root, 'processed');
    const child = spawn('npx', ['tsx', join(import.meta.dirname, 'run-profile.ts'), root], {
      cwd: join(import.meta.dirname, '../..'),
      detached: true,
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const isProfile = (f: string) => /^[^/]+\/profile\.json$/.test(f);
    const profiles = async () => (await filesUnder(processed)).filter(isProfile);
    await waitFor(async () => (await profiles()).length >= 3, child);
    // The whole process group: npx, tsx and the node process doing the work.
    process.kill(-(child.pid as number), 'SIGKILL');
    await exited;

    const done = (await profiles()).length;
    expect(done).toBeLessThan(36);
    for (const file of await profiles()) {
      profileSchema.parse(JSON.parse(await readFile(join(processed, file), 'utf8')));
    }

    const ctx = profileContext(root);
    try {
      const summary = await run(ctx);
      expect(summary).toMatchObject({ total: 36, ok: 36, failures: [] });
      expect(summary.processed).toBeGreaterThan(0);
      expect(summary.fresh).toBeGreaterThanOrEqual(done - 2);
    } finally {
      await ctx.close();
    }
    const all = await filesUnder(processed);
    expect(all.filter((f) => f.endsWith('.tmp') || f.includes('.tmp.'))).toEqual([]);
    const finished = all.filter(isProfile);
    expect(finished).toHaveLength(36);
    for (const file of finished)
      profileSchema.parse(JSON.parse(await readFile(join(processed, file), 'utf8')));
  });
});
