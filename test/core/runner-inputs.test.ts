import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rejection } from '../../pipeline/errors.ts';
import { asDatasetId } from '../../pipeline/ids.ts';
import { runStage, type StageDefinition } from '../../pipeline/runner.ts';
import { writeJsonAtomic } from '../../pipeline/store/atomic.ts';
import { ok } from '../../pipeline/store/outcome.ts';
import { datasetsOkAt, readStatus } from '../../pipeline/store/status.ts';
import { testContext, testdir } from '../support/testdir.ts';

/** A stage whose inputs() reads its upstream file, as build's does (draft.json, listing, ...). */
function copyStage(inputDir: string): StageDefinition {
  return {
    stage: 'build',
    version: '1',
    async inputs(_ctx, id) {
      try {
        return { text: await readFile(join(inputDir, `${id}.txt`), 'utf8') };
      } catch {
        throw new Rejection('no_input', `${id}.txt is missing; run the stage that writes it first`);
      }
    },
    async process(ctx, id) {
      const artifact = ctx.paths.artifact(id, 'copy.json');
      await writeJsonAtomic(artifact, { text: await readFile(join(inputDir, `${id}.txt`), 'utf8') });
      return { outcome: ok(), artifacts: [artifact] };
    },
  };
}

/**
 * When inputs() fails, the dataset's record must say so: an old "ok" record left in place
 * keeps the dataset in datasetsOkAt(), so the next stages and the release use artifacts made
 * from inputs that no longer exist.
 */
describe('runStage when inputs() fails', () => {
  it('replaces the previous ok record, so the dataset is no longer ok at that stage', async () => {
    const root = await testdir({ 'in/own_a.txt': 'hello', 'in/own_b.txt': 'world' });
    const ctx = testContext(root);
    const ids = ['own_a', 'own_b'].map(asDatasetId);
    const stage = copyStage(join(root, 'in'));
    expect((await runStage(ctx, stage, ids)).ok).toBe(2);
    await rm(join(root, 'in', 'own_b.txt'));

    const summary = await runStage(ctx, stage, ids);
    expect(summary).toMatchObject({ ok: 1, fresh: 1, rejected: { no_input: 1 } });
    expect((await readStatus(ctx.paths, 'build', asDatasetId('own_b')))?.outcome).toMatchObject({
      status: 'rejected',
      reason: 'no_input',
    });
    expect(await datasetsOkAt(ctx.paths, 'build')).toEqual(['own_a']);
  });
});
