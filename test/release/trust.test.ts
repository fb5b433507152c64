import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Context } from '../../pipeline/context.ts';
import { UserError } from '../../pipeline/errors.ts';
import { asDatasetId } from '../../pipeline/ids.ts';
import type { Manifest } from '../../pipeline/release/manifest.ts';
import { stageEntry } from '../../pipeline/stages/registry.ts';
import { run as runRelease } from '../../pipeline/stages/release/index.ts';
import type { StageName } from '../../pipeline/store/paths.ts';
import { testContext, testdir } from '../support/testdir.ts';

const only = [asDatasetId('vega-datasets_penguins')];
// csv only: parquet tasks cannot pass on a machine without pyarrow, and the seed picks formats.
const config = (seed: number, extra = '') =>
  `corpus:\n  seed: ${seed}\nsource:\n  kind: catalog\n  catalog: configs/catalog.yaml\ndraft:\n  provider: offline\n` +
  `build:\n  file_format_weights: { csv: 1, sqlite: 0, parquet: 0 }\nrelease:\n  version: 0.1.0\n${extra}`;

async function stages(ctx: Context, names: readonly StageName[]): Promise<void> {
  for (const name of names) await (await stageEntry(name).load()).run(ctx, { only });
}

async function manifestOf(root: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(root, 'splits', '0.1.0', 'manifest.json'), 'utf8')) as Manifest;
}

describe('release ships only what was verified as built', { timeout: 180_000 }, () => {
  it('leaves out, as unverified, a task rebuilt with another seed after its verdict', async () => {
    const root = await testdir();
    const ctx = testContext(root, config(1));
    await stages(ctx, ['scrape', 'profile', 'draft', 'build', 'verify']);
    await ctx.close();
    const verdict = JSON.parse(
      await readFile(join(root, 'processed', only[0] as string, 'verdict.json'), 'utf8'),
    ) as { tasks: { task: string; status: string; folder_sha256?: string }[] };
    const passed = verdict.tasks.filter((t) => t.status === 'passed').map((t) => t.task);
    expect(passed.length).toBeGreaterThan(0);
    for (const t of verdict.tasks) expect(t.folder_sha256).toMatch(/^[0-9a-f]{64}$/);

    const reseeded = testContext(root, config(2));
    await stages(reseeded, ['build']);
    const summary = await runRelease(reseeded, {});
    await reseeded.close();
    expect(summary.ok).toBe(0);
    expect(summary.rejected).toEqual({ unverified: passed.length });
    // Every task left out: nothing is released (an empty release would look like a result);
    // the summary still names each left-out task and why.
    expect(summary.failures.map((f) => [f.reason, f.detail.split(':')[0]])).toEqual(
      passed.map((t) => ['unverified', t]),
    );
    await expect(stat(join(root, 'splits', '0.1.0'))).rejects.toThrow(/ENOENT/);

    // Rebuilt with the first seed, the folders are byte-identical to the verified ones again,
    // so the verdict holds and they ship.
    const again = testContext(root, config(1));
    await stages(again, ['build']);
    const released = await runRelease(again, { force: true });
    await again.close();
    expect(released).toMatchObject({ ok: passed.length, rejected: {} });
    expect((await manifestOf(root)).tasks.map((t) => t.task)).toEqual(passed);
  });

  it('a rerun with nothing changed leaves the release untouched and says fresh; other content is refused without --force', async () => {
    const root = await testdir();
    const ctx = testContext(root, config(1));
    await stages(ctx, ['scrape', 'profile', 'draft', 'build', 'verify']);
    const first = await runRelease(ctx, {});
    expect(first).toMatchObject({ processed: 1, fresh: 0 });
    const manifestPath = join(root, 'splits', '0.1.0', 'manifest.json');
    const before = await stat(manifestPath);
    const bytes = await readFile(manifestPath);

    const second = await runRelease(ctx, {});
    expect(second).toMatchObject({ processed: 0, fresh: 1, ok: 1 });
    const after = await stat(manifestPath);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    await ctx.close();

    // Same corpus, another release setting: 0.1.0 would change, so run refuses.
    const changed = testContext(root, config(1, '  eval_fraction: 0.5\n'));
    await expect(runRelease(changed, {})).rejects.toThrow(UserError);
    await expect(runRelease(changed, {})).rejects.toThrow(/release 0\.1\.0 already exists .*--force/);
    expect(await readFile(manifestPath)).toEqual(bytes);
    const forced = await runRelease(changed, { force: true });
    await changed.close();
    expect(forced).toMatchObject({ processed: 1, ok: 1 });
    expect(await readFile(manifestPath)).not.toEqual(bytes);
  });
});
