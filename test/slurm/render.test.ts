import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { renderScripts, renderTemplate, sbatchCommands, shellQuote } from '../../pipeline/slurm/render.ts';
import { testdir } from '../support/testdir.ts';
import { cli } from './cluster.ts';

const run = promisify(execFile);

const values = (root: string) => ({
  config: join(root, "it's a config.yaml"),
  shards: 3,
  version: '1.2.3',
  workdir: join(root, 'work dir'),
  logDir: join(root, 'logs $HOME'),
  node: process.execPath,
  cli: join(root, 'bin/dare-forge.js'),
});

describe('slurm scripts', () => {
  it('quotes every path so the shell reads back exactly the value', async () => {
    for (const value of ["it's", 'a b', '$HOME', '`id`', 'plain/path-1.yaml', '"x"', '']) {
      const { stdout } = await run('bash', ['-c', `printf %s ${shellQuote(value)}`]);
      expect(stdout).toBe(value);
    }
  });

  it('renders the templates with the shard count, config, version and paths, and runs as bash', async () => {
    const root = await testdir();
    const scripts = await renderScripts(values(root));
    expect(scripts.shard).toContain('shard=$((SLURM_ARRAY_TASK_ID + 1))');
    expect(scripts.shard).toContain('shards=3\n');
    expect(scripts.shard).toContain(`--config ${shellQuote(values(root).config)}`);
    expect(scripts.release).toContain('release --config');
    expect(scripts.release).toContain('--version 1.2.3');
    expect(scripts.shard).not.toMatch(/\{\{/);
    expect(scripts.release).not.toMatch(/\{\{/);
    // Syntax check by bash itself.
    for (const text of Object.values(scripts)) {
      const path = join(root, 'check.sh');
      await writeFile(path, text);
      await run('bash', ['-n', path]);
    }
    expect(() => renderTemplate('{{NOPE}}', values(root))).toThrow(/NOPE/);
  });

  it('chains the release after the shards with afterok and kill-on-invalid-dep', () => {
    const plan = sbatchCommands({
      logDir: '/l',
      scriptDir: '/s',
      array: '1',
      partition: 'p',
      extra: ['--time=1:00:00'],
      alsoAfter: ['7_0'],
    });
    expect(plan.shards).toEqual([
      '--parsable',
      '--array=1',
      '--output=/l/%x-%A_%a.out',
      '--partition=p',
      '--time=1:00:00',
      '/s/shard.sbatch',
    ]);
    expect(plan.release.slice(0, 3)).toEqual([
      '--parsable',
      '--dependency=afterok:{SHARD_JOB}:7_0',
      '--kill-on-invalid-dep=yes',
    ]);
  });
});

describe('dare-forge slurm commands', () => {
  it('explain themselves with an example', async () => {
    for (const command of ['submit', 'status', 'resubmit']) {
      const help = await cli(['slurm', command, '--help'], process.env);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Example/);
    }
  });

  it('say what to do when nothing was submitted or sbatch is missing', async () => {
    const root = await testdir();
    const config = join(root, 'c.yaml');
    await writeFile(
      config,
      `paths:\n  raw: ${root}/raw\n  processed: ${root}/processed\n  splits: ${root}/splits\n`,
    );
    const status = await cli(['slurm', 'status', '--config', config], process.env);
    expect(status.code).toBe(2);
    expect(status.stderr).toMatch(/no submission recorded at .*submission\.json; submit one first/);
    const noSlurm = { ...process.env, PATH: '/nonexistent' };
    const submit = await cli(['slurm', 'submit', '--config', config, '--shards', '2'], noSlurm);
    expect(submit.code).toBe(2);
    expect(submit.stderr).toMatch(/sbatch is not on PATH/);
    // The scripts were written for the user to read even so.
    expect(await readFile(join(root, 'processed', '_slurm', 'shard.sbatch'), 'utf8')).toContain('--shard');
    const zero = await cli(['slurm', 'submit', '--config', config, '--shards', '0'], process.env);
    expect(zero.code).toBe(2);
  });
});
