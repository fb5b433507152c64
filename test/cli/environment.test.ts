import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentFailure } from '../../pipeline/util/environment.ts';
import { testdir } from '../support/testdir.ts';
import { type CliResult, dareForge } from './support.ts';

/** One `dare-forge:` line on stderr, exit 1, and nothing that looks like a bug report. */
function expectOneLine(result: CliResult, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(1);
  const lines = result.stderr.split('\n').filter((l) => l.startsWith('dare-forge:'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
}

describe('environment failures', () => {
  it('an output folder under a regular file: one line naming the folder and its key', async () => {
    const root = await testdir({ blocker: 'a file, not a folder\n' });
    await writeFile(join(root, 'c.yaml'), 'paths:\n  raw: blocker/raw\n  processed: blocker/processed\n');
    const result = await dareForge(['scrape', '--config', join(root, 'c.yaml')]);
    expectOneLine(
      result,
      /paths\.raw .*blocker\/raw: cannot be created, .*blocker is a file, not a folder \(ENOTDIR\)/,
    );
  }, 120_000);

  it('a read-only output folder: one line when the OS refuses writes, no false alarm when it does not (root)', async () => {
    const root = await testdir({ 'c.yaml': 'paths:\n  processed: locked/processed\n' });
    await mkdir(join(root, 'locked'));
    await chmod(join(root, 'locked'), 0o555);
    // Root ignores mode bits: find out what this machine does instead of assuming.
    const refused = await writeFile(join(root, 'locked/probe'), '').then(
      () => false,
      () => true,
    );
    const result = await dareForge(['verify', '--config', join(root, 'c.yaml')]);
    await chmod(join(root, 'locked'), 0o755);
    if (refused) {
      expectOneLine(result, /paths\.processed .*locked\/processed: .*locked is not writable \(EACCES\)/);
    } else {
      // Writable after all, so the run goes on and finds nothing built yet.
      expect(result.stderr).not.toMatch(/not writable/);
      expect(result.stderr).toMatch(/verify: nothing to do/);
    }
  }, 120_000);

  it('an unwritable --html path: one line naming it', async () => {
    const root = await testdir({ blocker: 'x', 'c.yaml': 'paths:\n  processed: out/processed\n' });
    const result = await dareForge([
      'audit',
      '--config',
      join(root, 'c.yaml'),
      '--html',
      join(root, 'blocker/a.html'),
    ]);
    expectOneLine(result, /--html .*blocker: cannot be created, .*blocker is a file, not a folder/);
    expect(result.stdout).toBe('');
  }, 120_000);

  it('a Kaggle host that does not resolve: one line naming it, no advice to raise retries', async () => {
    const root = await testdir({
      'c.yaml':
        'source:\n  kind: kaggle\nkaggle:\n  base_url: http://nonexistent.invalid\npaths:\n  raw: out/raw\n  processed: out/processed\n',
    });
    const result = await dareForge(['scrape', '--config', join(root, 'c.yaml')], {
      env: { KAGGLE_USERNAME: 'someone', KAGGLE_KEY: 'not-a-real-key', HOME: root },
    });
    expectOneLine(result, /cannot resolve host nonexistent\.invalid \(E[A-Z_]+\); check kaggle\.base_url/);
    expect(result.stderr).not.toMatch(/retries/);
  }, 120_000);

  it('an LLM host that does not resolve: one line naming it and the setting', async () => {
    const root = await testdir({
      'c.yaml':
        'paths:\n  raw: out/raw\n  processed: out/processed\ndraft:\n  provider: openai\nllm:\n  openai:\n    base_url: http://nonexistent.invalid/v1\n',
    });
    const result = await dareForge(
      ['run', '--only', 'vega-datasets_penguins', '--config', join(root, 'c.yaml')],
      { env: { OPENAI_API_KEY: 'not-a-real-key' } },
    );
    expectOneLine(result, /openai: cannot resolve host nonexistent\.invalid .*llm\.openai\.base_url/);
    expect(result.stderr).not.toMatch(/retries/);
  }, 180_000);

  it('turns a file-system error from anywhere into one line with the path', async () => {
    const root = await testdir({ blocker: 'x' });
    const error = await writeFile(join(root, 'blocker/out.json'), '{}').catch((e: unknown) => e);
    expect(environmentFailure(error)).toMatch(/^cannot open .*blocker\/out\.json: .*\(ENOTDIR\)/);
    expect(environmentFailure(new Error('plain bug'))).toBeUndefined();
    expect(await readdir(root)).toEqual(['blocker']);
  });
});
