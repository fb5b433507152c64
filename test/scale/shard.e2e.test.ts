import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, hashTree, type Rig, startRig } from './helpers.ts';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig(8, 13);
});
afterAll(async () => {
  await rig?.close();
});

/** The task folders every dataset built, keyed by path under processed/. */
const taskFolders = (workdir: string) =>
  hashTree(join(workdir, 'processed'), (path) => /^[^/_][^/]*\/tasks\//.test(path));

describe('--shard k/n over a generated corpus of 8 datasets', () => {
  it('two shards run separately, then released together, equal one unsharded run', async () => {
    const whole = await rig.workdir('whole');
    const one = await cli(['run', '--config', whole]);
    expect(one.code, one.stderr + one.stdout).toBe(0);

    const sharded = await rig.workdir('sharded');
    const first = await cli(['run', '--config', sharded, '--shard', '1/2']);
    const second = await cli(['run', '--config', sharded, '--shard', '2/2']);
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    // Disjoint halves that together cover the corpus.
    const built = (stdout: string) => Number(/build\s+datasets (\d+)/.exec(stdout)?.[1]);
    expect(built(first.stdout)).toBeGreaterThan(0);
    expect(built(second.stdout)).toBeGreaterThan(0);
    expect(built(first.stdout) + built(second.stdout)).toBe(built(one.stdout));
    const merged = await cli(['release', '--config', sharded, '--version', '1.0.0']);
    expect(merged.code, merged.stderr).toBe(0);

    const tasks = await taskFolders(join(rig.dir, 'whole'));
    expect(Object.keys(tasks).length).toBeGreaterThan(8);
    expect(await taskFolders(join(rig.dir, 'sharded'))).toEqual(tasks);

    const manifest = (workdir: string) =>
      readFile(join(rig.dir, workdir, 'splits', '1.0.0', 'manifest.json'), 'utf8').then(
        (text) =>
          JSON.parse(text) as {
            files: Record<string, string>;
            counts: { tasks: { train: number; eval: number } };
          },
      );
    const [a, b] = await Promise.all([manifest('whole'), manifest('sharded')]);
    expect(a.counts.tasks.train + a.counts.tasks.eval).toBeGreaterThan(0);
    expect(b.files).toEqual(a.files);
    expect(await hashTree(join(rig.dir, 'sharded', 'splits', '1.0.0'))).toEqual(
      await hashTree(join(rig.dir, 'whole', 'splits', '1.0.0')),
    );
  }, 300_000);
});
