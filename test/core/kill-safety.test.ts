import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../pipeline/errors.ts';
import { asDatasetId } from '../../pipeline/ids.ts';
import { runStage, type StageDefinition } from '../../pipeline/runner.ts';
import { replaceDirAtomic, sweepTempFiles } from '../../pipeline/store/atomic.ts';
import { ok } from '../../pipeline/store/outcome.ts';
import { testContext, testdir } from '../support/testdir.ts';

const temp = '.target.0123456789ab.tmp';

/** Lays out a folder tree: path -> content; each folder holds one file, `which`. */
async function lay(root: string, folders: Record<string, string>): Promise<void> {
  for (const [name, which] of Object.entries(folders)) {
    await mkdir(join(root, name), { recursive: true });
    await writeFile(join(root, name, 'which'), which);
  }
}

async function state(root: string): Promise<{ entries: string[]; target: string | null }> {
  const entries = (await readdir(root)).sort();
  const target = await readFile(join(root, 'target', 'which'), 'utf8').catch(() => null);
  return { entries, target };
}

describe('replaceDirAtomic killed at each point, then swept', () => {
  // Each on-disk state a kill can leave, in the order of replaceDirAtomic's steps.
  const cases: { point: string; on: Record<string, string>; target: string | null }[] = [
    { point: 'while filling the temp folder', on: { target: 'old', [temp]: 'half' }, target: 'old' },
    {
      point: 'after moving the old folder aside',
      on: { [`${temp}.old`]: 'old', [temp]: 'new' },
      target: 'new',
    },
    { point: 'after moving the new folder in', on: { target: 'new', [`${temp}.old`]: 'old' }, target: 'new' },
    { point: 'old folder aside, new one lost', on: { [`${temp}.old`]: 'old' }, target: 'old' },
    { point: 'first write, while filling', on: { [temp]: 'half' }, target: null },
  ];
  for (const { point, on, target } of cases) {
    it(`keeps a whole folder when killed ${point}`, async () => {
      const root = await testdir();
      await lay(root, on);
      await sweepTempFiles(root, false);
      expect(await state(root)).toEqual({ entries: target ? ['target'] : [], target });
    });
  }

  it('sweeps nested swaps too (a task folder inside a dataset folder)', async () => {
    const root = await testdir();
    await lay(join(root, 'tasks'), { [`${temp}.old`]: 'old', [temp]: 'new' });
    await sweepTempFiles(root);
    expect(await state(join(root, 'tasks'))).toEqual({ entries: ['target'], target: 'new' });
  });

  it('still replaces a folder in one piece', async () => {
    const root = await testdir();
    await lay(root, { target: 'old' });
    await replaceDirAtomic(join(root, 'target'), (dir) => writeFile(join(dir, 'which'), 'new'));
    expect(await state(root)).toEqual({ entries: ['target'], target: 'new' });
  });
});

describe('runStage when one dataset throws a UserError', () => {
  it('aborts the datasets in flight, waits for them, starts no new one, then rethrows', async () => {
    const root = await testdir();
    const ctx = testContext(root, 'run:\n  concurrency: 2\n');
    const events: string[] = [];
    let release: () => void = () => undefined;
    const bStarted = new Promise<void>((resolve) => {
      release = resolve;
    });
    const stage: StageDefinition = {
      stage: 'profile',
      version: '1',
      inputs: async () => ({}),
      async process(stageCtx, id) {
        events.push(`start ${id}`);
        if (id === 'own_a') {
          await bStarted;
          throw new UserError('no Python: install it');
        }
        release();
        // Works until told to stop, as a sandbox job or a DuckDB query watching the signal does.
        await new Promise<void>((resolve) => stageCtx.signal.addEventListener('abort', () => resolve()));
        events.push(`stopped ${id}`);
        return { outcome: ok() };
      },
    };
    const ids = ['own_a', 'own_b', 'own_c'].map(asDatasetId);
    await expect(runStage(ctx, stage, ids)).rejects.toThrow('no Python: install it');
    // own_a and own_b start together (their order depends on file reads); own_c never starts.
    expect(events.slice(0, 2).sort()).toEqual(['start own_a', 'start own_b']);
    expect(events.slice(2)).toEqual(['stopped own_b']);
    expect(ctx.signal.aborted).toBe(false);
  });
});
