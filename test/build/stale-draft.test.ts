import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asDatasetId } from '../../pipeline/ids.ts';
import { stageEntry } from '../../pipeline/stages/registry.ts';
import type { StageName } from '../../pipeline/store/paths.ts';
import { datasetsOkAt, readStatus } from '../../pipeline/store/status.ts';
import { pathExists } from '../../pipeline/util/fs.ts';
import { testContext, testdir } from '../support/testdir.ts';

const id = asDatasetId('vega-datasets_penguins');
const yaml = 'source:\n  kind: catalog\n  catalog: configs/catalog.yaml\ndraft:\n  provider: offline\n';

describe('build after a failed draft', { timeout: 120_000 }, () => {
  it('never builds the draft.json an earlier draft left: the build record says draft_not_ok', async () => {
    const root = await testdir();
    const ctx = testContext(root, yaml);
    const stage = async (name: StageName) => (await stageEntry(name).load()).run(ctx, { only: [id] });
    for (const name of ['scrape', 'profile', 'draft', 'build'] as const)
      expect((await stage(name)).ok).toBe(1);
    const draftPath = ctx.paths.artifact(id, 'draft.json');
    await copyFile(draftPath, join(root, 'old-draft.json'));

    // The profile is now unreadable: the draft fails and takes its old draft.json with it.
    const profile = ctx.paths.artifact(id, 'profile.json');
    await writeFile(profile, (await readFile(profile, 'utf8')).replace('"tables"', '"tablez"'));
    expect((await stage('draft')).rejected).toEqual({ invalid_input: 1 });
    expect(await pathExists(draftPath)).toBe(false);

    // Even with the old file back in place (a copy, an older version's leftovers), build refuses it.
    await copyFile(join(root, 'old-draft.json'), draftPath);
    const built = await stage('build');
    await ctx.close();
    expect(built).toMatchObject({ ok: 0, rejected: { draft_not_ok: 1 } });
    expect((await readStatus(ctx.paths, 'build', id))?.outcome).toMatchObject({
      status: 'rejected',
      reason: 'draft_not_ok',
    });
    expect(await datasetsOkAt(ctx.paths, 'build')).toEqual([]);
  });
});
