import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readReleaseCalibration } from '../../pipeline/audit/calibration.ts';
import { UserError } from '../../pipeline/errors.ts';
import { ANSCOMBE, ANSCOMBE_TASK, buildSmallRelease, calibrateArgs } from '../eval/support.ts';
import { testPoolYaml } from '../sandbox/support.ts';
import { testdir } from '../support/testdir.ts';

const run = promisify(execFile);
const cli = (args: string[]) => run(process.execPath, ['bin/dare-forge.js', ...args]);

/** The text of each cell of an HTML table, row by row (header row first), tags stripped. */
function tableCells(html: string, opening: string): string[][] {
  const start = html.indexOf(opening);
  expect(start, `table ${opening}`).toBeGreaterThanOrEqual(0);
  const table = html.slice(start, html.indexOf('</table>', start));
  return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? '').matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
      (cell[1] ?? '').replace(/<[^>]+>/g, '').trim(),
    ),
  );
}

/** The row of `table` whose first cell is `key`, as header -> cell text. */
function rowOf(rows: string[][], key: string): Record<string, string> {
  const [header = [], ...body] = rows;
  const row = body.find((r) => r[0] === key);
  expect(row, `row ${key}`).toBeDefined();
  return Object.fromEntries(header.map((h, i) => [h, row?.[i] ?? '']));
}

describe('audit with a calibration', { timeout: 300_000 }, () => {
  it('shows nothing but a hint before calibrate, then solve rates, models and flags in --json, text, <dataset> and --html', async () => {
    const root = await testdir();
    const release = await buildSmallRelease(root);
    // The released task also has a (not yet verified) folder under processed/, so it is a row of the task table.
    await mkdir(join(root, 'processed', ANSCOMBE, 'tasks', ANSCOMBE_TASK), { recursive: true });
    const config = join(root, 'audit.yaml');
    await writeFile(
      config,
      `paths:\n  raw: ${join(root, 'raw')}\n  processed: ${join(root, 'processed')}\n  splits: ${join(root, 'splits')}\n${testPoolYaml}`,
    );

    const before = await cli(['audit', '--json', '-c', config]);
    expect(JSON.parse(before.stdout).calibration).toBeNull();
    expect(before.stderr.match(/no calibration for release 1\.0\.0/g)).toHaveLength(1);
    expect(before.stderr).toContain('dare-forge calibrate --release');

    await cli(calibrateArgs(release, config));

    const json = await cli(['audit', '--json', '-c', config]);
    expect(json.stderr).not.toContain('no calibration');
    const calibration = JSON.parse(json.stdout).calibration;
    expect(calibration).toMatchObject({
      version: '1.0.0',
      models: ['scripted:lazy', 'scripted:reference'],
      counts: { tasks: 2, unsolved_by_all: 1, trivial: 0, shortcut: 0 },
    });
    const v1 = calibration.tasks.find((t: { variant: string }) => t.variant === 'v1');
    expect(v1).toMatchObject({
      task: ANSCOMBE_TASK,
      solve_rate: 0.5,
      mean_score: 0.5,
      unsolved_by_all: false,
    });
    expect(v1.models).toEqual({
      'scripted:lazy': { runs: 1, solved: 0, mean_score: 0 },
      'scripted:reference': { runs: 1, solved: 1, mean_score: 1 },
    });
    const v2 = calibration.tasks.find((t: { variant: string }) => t.variant === 'v2');
    expect(v2).toMatchObject({ solve_rate: 0, unsolved_by_all: true });

    const html = join(root, 'site', 'index.html');
    const text = await cli(['audit', '--html', html, '-c', config]);
    expect(text.stdout).toContain(
      'Calibration (release 1.0.0, 2 model(s): scripted:lazy, scripted:reference',
    );
    const v1Line = text.stdout.split('\n').find((l) => l.startsWith(ANSCOMBE_TASK) && / v1 /.test(l));
    expect(v1Line).toMatch(
      /reg_if\s+0\.500\s+0\.500\s+2\s+0\/2\s+scripted:lazy 0\/1, scripted:reference 1\/1\s+-$/,
    );
    expect(text.stdout).toMatch(new RegExp(`${ANSCOMBE_TASK}\\s+v2 .*unsolved_by_all`));
    expect(text.stdout).toContain('unsolved_by_all: no run of any model reached the validity threshold');

    const story = await cli(['audit', ANSCOMBE, '--json', '-c', config]);
    expect(JSON.parse(story.stdout).calibration.tasks.map((t: { variant: string }) => t.variant)).toEqual([
      'v1',
      'v2',
    ]);
    const storyText = await cli(['audit', ANSCOMBE, '-c', config]);
    expect(storyText.stdout).toMatch(new RegExp(`${ANSCOMBE_TASK}\\s+v1\\s+reg_if\\s+0\\.500`));

    const index = await readFile(html, 'utf8');
    const row = rowOf(tableCells(index, '<table id="tasks">'), ANSCOMBE_TASK);
    expect(row).toMatchObject({
      'solve v1': '0.500',
      'solve v2': '0',
      'mean v1': '0.500',
      'calibration flags': 'unsolved_by_all (v2)',
    });
    expect(index).toContain('<td data-sort="0.5">0.500</td>');
    const difficulty = index.slice(index.indexOf('<div class="grid" id="difficulty">'));
    expect(difficulty).toMatch(/^<div class="grid" id="difficulty"><svg[^>]*>.*solve rate \(n=2\)/);
    // Two task variants, solve rates 0 and 0.5: two bars of one each, in the buckets holding them.
    const bars = [
      ...difficulty.slice(0, difficulty.indexOf('</svg>')).matchAll(/<title>(\d+) in \[([^,]+),/g),
    ];
    expect(bars.filter((b) => b[1] === '1').map((b) => Number(b[2]))).toEqual([0, 0.5]);
    expect(index).toMatch(
      /<strong>trivial<\/strong>: every model solved every run with at most one tool call/,
    );

    const page = await readFile(join(root, 'site', 'tasks', `${ANSCOMBE_TASK}.html`), 'utf8');
    const v2Row = rowOf(tableCells(page, '<table aria-label="calibration">'), 'v2');
    expect(v2Row).toMatchObject({ column: 'reg_mm', threshold: '0.700', flags: 'unsolved_by_all' });
    expect(rowOf(tableCells(page, '<table aria-label="calibration">'), 'v1').models).toContain(
      'scripted:reference: 1/1 solved, mean 1',
    );
    expect(page).toContain('<strong>unsolved_by_all</strong>: no run of any model reached');
  });
});

describe('readReleaseCalibration', () => {
  it('is null without a release or file, and names the file when it is not a calibration', async () => {
    const splits = await testdir({ '1.0.0/calibration/calibration.json': '{"format":"other"}' });
    expect(await readReleaseCalibration(splits, undefined)).toBeNull();
    expect(await readReleaseCalibration(splits, '2.0.0')).toBeNull();
    const error = await readReleaseCalibration(splits, '1.0.0').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(String(error)).toContain(join(splits, '1.0.0', 'calibration', 'calibration.json'));
    expect(String(error)).toContain('run dare-forge calibrate again');
  });
});
