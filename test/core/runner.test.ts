import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rejection } from '../../pipeline/errors.ts';
import { asDatasetId, type DatasetId } from '../../pipeline/ids.ts';
import { runStage, type StageDefinition } from '../../pipeline/runner.ts';
import { writeJsonAtomic } from '../../pipeline/store/atomic.ts';
import { ok } from '../../pipeline/store/outcome.ts';
import { readStatus } from '../../pipeline/store/status.ts';
import { testContext, testdir } from '../support/testdir.ts';

/** A tiny real stage: copies an input file's length into an artifact, rejecting empty inputs. */
function lengthStage(inputDir: string, calls: string[]): StageDefinition {
  return {
    stage: 'profile',
    version: '1',
    async inputs(_ctx, id) {
      return { content: await readFile(join(inputDir, `${id}.txt`), 'utf8') };
    },
    async process(ctx, id) {
      calls.push(id);
      const text = await readFile(join(inputDir, `${id}.txt`), 'utf8');
      if (text === '') throw new Rejection('empty_file', `${id}.txt is empty`);
      if (text === 'boom') throw new Error('kaboom');
      const artifact = ctx.paths.artifact(id, 'length.json');
      await writeJsonAtomic(artifact, { length: text.length });
      return { outcome: ok(), artifacts: [artifact] };
    },
  };
}

const ids = (...names: string[]): DatasetId[] => names.map(asDatasetId);

describe('runStage', () => {
  it('records ok, rejected and error outcomes and keeps going', async () => {
    const root = await testdir({ 'in/a.txt': 'hello', 'in/b.txt': '', 'in/c.txt': 'boom' });
    const ctx = testContext(root);
    const summary = await runStage(ctx, lengthStage(join(root, 'in'), []), ids('a', 'b', 'c'));
    expect(summary).toMatchObject({
      total: 3,
      processed: 3,
      fresh: 0,
      ok: 1,
      rejected: { empty_file: 1 },
      errors: { unexpected: 1 },
    });
    expect((await readStatus(ctx.paths, 'profile', asDatasetId('b')))?.outcome).toEqual({
      status: 'rejected',
      reason: 'empty_file',
      detail: 'b.txt is empty',
    });
    expect((await readStatus(ctx.paths, 'profile', asDatasetId('c')))?.outcome).toMatchObject({
      status: 'error',
      detail: 'kaboom',
    });
  });

  it('skips fresh datasets, redoes edited ones and retries errors', async () => {
    const root = await testdir({ 'in/a.txt': 'hello', 'in/b.txt': 'world', 'in/c.txt': 'boom' });
    const ctx = testContext(root);
    const calls: string[] = [];
    const stage = lengthStage(join(root, 'in'), calls);
    await runStage(ctx, stage, ids('a', 'b', 'c'));
    calls.length = 0;
    const again = await runStage(ctx, stage, ids('a', 'b', 'c'));
    expect(again).toMatchObject({ processed: 1, fresh: 2 });
    expect(calls).toEqual(['c']);

    calls.length = 0;
    await writeFile(join(root, 'in/b.txt'), 'world!');
    const edited = await runStage(ctx, stage, ids('a', 'b'));
    expect(edited).toMatchObject({ processed: 1, fresh: 1 });
    expect(calls).toEqual(['b']);
    expect(JSON.parse(await readFile(ctx.paths.artifact(asDatasetId('b'), 'length.json'), 'utf8'))).toEqual({
      length: 6,
    });
  });

  it('redoes a dataset whose artifact went missing, and everything with --force', async () => {
    const root = await testdir({ 'in/a.txt': 'hello', 'in/b.txt': 'world' });
    const ctx = testContext(root);
    const calls: string[] = [];
    const stage = lengthStage(join(root, 'in'), calls);
    await runStage(ctx, stage, ids('a', 'b'));
    await rm(ctx.paths.artifact(asDatasetId('a'), 'length.json'));
    calls.length = 0;
    await runStage(ctx, stage, ids('a', 'b'));
    expect(calls).toEqual(['a']);
    calls.length = 0;
    await runStage(ctx, stage, ids('a', 'b'), { force: true });
    expect(calls.sort()).toEqual(['a', 'b']);
  });

  it('sweeps temp files left by a killed write before redoing a dataset', async () => {
    const root = await testdir({ 'in/a.txt': 'hello' });
    const ctx = testContext(root);
    await mkdir(ctx.paths.processedDir(asDatasetId('a')), { recursive: true });
    await writeFile(join(ctx.paths.processedDir(asDatasetId('a')), '.length.json.0123456789ab.tmp'), 'torn');
    await runStage(ctx, lengthStage(join(root, 'in'), []), ids('a'));
    expect((await readdir(ctx.paths.processedDir(asDatasetId('a')))).sort()).toEqual([
      'length.json',
      'status',
    ]);
  });
});

describe('outcome details', () => {
  it('scrub registered secrets before they reach status records', async () => {
    const root = await testdir({ 'in/a.txt': 'hello' });
    const ctx = testContext(root);
    ctx.logger.addSecret('sk-very-secret-key');
    const leaky: StageDefinition = {
      stage: 'draft',
      version: '1',
      inputs: async () => ({}),
      process: async () => {
        throw new Error('provider said: bad key sk-very-secret-key');
      },
    };
    await runStage(ctx, leaky, ids('a'));
    const record = await readFile(ctx.paths.statusFile('draft', asDatasetId('a')), 'utf8');
    expect(record).not.toContain('sk-very-secret-key');
    expect(JSON.parse(record).outcome.detail).toBe('provider said: bad key ***');
  });
});
