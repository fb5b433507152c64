import { spawnSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusBlasThreads, publisherBlasThreads } from '../../pipeline/stages/verify/publisher.ts';
import { testdir } from '../support/testdir.ts';

const repo = join(import.meta.dirname, '../..');

/** A release's manifest.json whose verifier environments ran BLAS with these thread counts. */
function manifest(...threads: number[]): string {
  return JSON.stringify({
    format: 'dare-forge-release/1',
    environments: threads.map((n) => ({
      fingerprint: {
        blas: [
          { user_api: 'openmp', num_threads: 7 },
          { user_api: 'blas', num_threads: n },
        ],
      },
    })),
  });
}

describe("verify --corpus reproduces the publisher's BLAS setting", () => {
  it('reads it from the manifest.json beside eval/ (a release) or inside the corpus', async () => {
    const release = await testdir({ 'manifest.json': manifest(2), 'eval/question_list.json': '[]' });
    expect(await publisherBlasThreads(join(release, 'eval'))).toEqual({
      threads: 2,
      source: `${release}/manifest.json`,
    });
    const corpus = await testdir({ 'manifest.json': manifest(3, 3), 'question_list.json': '[]' });
    expect((await publisherBlasThreads(corpus))?.threads).toBe(3);
  });

  it('states nothing for a corpus with no manifest, a disagreeing, foreign or linked one', async () => {
    expect(await publisherBlasThreads(await testdir({ 'question_list.json': '[]' }))).toBeUndefined();
    const disagreeing = await testdir({ 'manifest.json': manifest(1, 2), 'eval/x': '' });
    expect(await publisherBlasThreads(join(disagreeing, 'eval'))).toBeUndefined();
    const foreign = await testdir({ 'manifest.json': '{"format": "other", "environments": []}' });
    expect(await publisherBlasThreads(foreign)).toBeUndefined();
    const elsewhere = await testdir({ 'manifest.json': manifest(4) });
    const linked = await testdir();
    await mkdir(join(linked, 'eval'));
    await symlink(join(elsewhere, 'manifest.json'), join(linked, 'eval', 'manifest.json'));
    expect(await publisherBlasThreads(join(linked, 'eval'))).toBeUndefined();
    const nan = await testdir();
    await writeFile(join(nan, 'manifest.json'), manifest(2).replace('"num_threads":2', '"num_threads":NaN'));
    expect(await publisherBlasThreads(nan)).toBeUndefined();
  });

  it('lets the flag win over the publisher, and the publisher over the config', () => {
    const publisher = { threads: 2, source: '/r/manifest.json' };
    expect(corpusBlasThreads(4, publisher, 1).threads).toBe(4);
    expect(corpusBlasThreads(undefined, publisher, 1)).toEqual({
      threads: 2,
      why: "the publisher's setting (/r/manifest.json)",
    });
    expect(corpusBlasThreads(undefined, undefined, 1).threads).toBe(1);
  });

  it('refuses --blas-threads without --corpus and a bad count, exit 2 naming the flag', () => {
    for (const args of [
      ['--blas-threads', '2'],
      ['--corpus', '.', '--out', '/tmp/x', '--blas-threads', 'two'],
    ]) {
      const run = spawnSync('node', ['bin/dare-forge.js', 'verify', ...args], {
        cwd: repo,
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toContain('--blas-threads');
    }
  });
});
