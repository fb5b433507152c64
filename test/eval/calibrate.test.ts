import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testPoolYaml } from '../sandbox/support.ts';
import { testdir } from '../support/testdir.ts';
import { ANSCOMBE_TASK, buildSmallRelease, calibrateArgs } from './support.ts';

const run = promisify(execFile);

describe('dare-forge calibrate', { timeout: 240_000 }, () => {
  it('checks every --models spec before running any model', async () => {
    const root = await testdir();
    const failed = await run(process.execPath, [
      'bin/dare-forge.js',
      'calibrate',
      '--release',
      join(root, 'no-release-here'),
      '--models',
      'scripted:reference,anthropc:claude-sonnet-4',
    ]).catch((error: { code: number; stderr: string }) => error);
    expect('code' in failed && failed.code).toBe(2);
    expect(failed.stderr).toMatch(
      /^dare-forge: --model "anthropc:claude-sonnet-4": expected <provider>:<model>/,
    );
  });

  it('runs each model with and without data, writes calibration.json beside the release, and reuses the runs', async () => {
    const root = await testdir();
    const release = await buildSmallRelease(root);
    const config = join(root, 'calibrate.yaml');
    await writeFile(config, testPoolYaml);
    const args = ['bin/dare-forge.js', ...calibrateArgs(release, config)];
    const first = await run(process.execPath, args);
    const path = join(dirname(release), 'calibration', 'calibration.json');
    expect(first.stdout).toContain(
      'calibrated 2 task variant(s) over 2 model(s): 1 unsolved by all, 0 trivial, 0 shortcut',
    );
    expect(first.stdout).toContain(path);
    const calibration = JSON.parse(await readFile(path, 'utf8'));
    expect(calibration.models).toEqual(['scripted:lazy', 'scripted:reference']);
    const v1 = calibration.tasks.find((t: { variant: string }) => t.variant === 'v1');
    expect(v1).toMatchObject({
      task: ANSCOMBE_TASK,
      column: 'reg_if',
      threshold: 1,
      runs: 2,
      solve_rate: 0.5,
      mean_score: 0.5,
      no_data_runs: 2,
      no_data_solved: 0,
      unsolved_by_all: false,
      trivial: false,
      shortcut: false,
    });
    expect(v1.models['scripted:reference']).toEqual({ runs: 1, solved: 1, mean_score: 1 });
    // Four points per series: no model reaches regression MM's 0.7 on Anscombe's quartet.
    const v2 = calibration.tasks.find((t: { variant: string }) => t.variant === 'v2');
    expect(v2).toMatchObject({ column: 'reg_mm', threshold: 0.7, unsolved_by_all: true });
    expect(v2.mean_score).toBeLessThan(0.7);
    // The release's DARE layout is untouched: calibration lives beside it.
    await expect(stat(join(release, 'calibration'))).rejects.toThrow(/ENOENT/);
    const record = join(
      dirname(release),
      'eval-results',
      'scripted_reference',
      'runs',
      `${ANSCOMBE_TASK}.v1.r1.json`,
    );
    const before = (await stat(record)).mtimeMs;
    const bytes = await readFile(path, 'utf8');
    await run(process.execPath, args);
    expect((await stat(record)).mtimeMs).toBe(before);
    expect(await readFile(path, 'utf8')).toBe(bytes);
  });
});
