import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { collectAudit } from '../../pipeline/audit/collect.ts';
import { datasetStory, storyText } from '../../pipeline/audit/story.ts';
import { collectTasks, countTasks } from '../../pipeline/audit/tasks.ts';
import { auditText } from '../../pipeline/audit/terminal.ts';
import { finishRun } from '../../pipeline/commands/common.ts';
import { asDatasetId } from '../../pipeline/ids.ts';
import { emptySummary } from '../../pipeline/progress.ts';
import { formatSummary } from '../../pipeline/render/summary.ts';
import { nearNames } from '../../pipeline/util/suggest.ts';
import { taskTree } from './task-fixture.ts';

const run = promisify(execFile);
const cli = join(process.cwd(), 'bin/dare-forge.js');

async function dareForge(args: string[]) {
  try {
    const { stdout, stderr } = await run('node', [cli, ...args], { env: { ...process.env, CI: 'true' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function configFor(root: string): string {
  return `paths:\n  raw: ${root}/raw\n  processed: ${root}/processed\n  splits: ${root}/splits\n`;
}

describe('task-level outcomes', () => {
  it('lists every task with type, format, status, failing check, its variant, reason and split', async () => {
    const { ctx } = await taskTree();
    const rows = await collectTasks(ctx.paths, undefined, new Map([['d_one_class', 'train']]));
    expect(
      rows.map((r) => [r.task, r.family, r.format, r.status, r.variant, r.check, r.reason, r.split]),
    ).toEqual([
      ['d_one_class', 'class', 'csv', 'passed', null, 'discrimination', null, 'train'],
      ['d_one_reg', 'reg', 'parquet', 'rejected', 'v1', 'discrimination', 'noise_irrelevant', null],
      ['d_one_ts', 'ts', null, 'declined', null, null, 'no_time_column', null],
      ['d_two_ts', 'ts', null, 'build_rejected', null, null, 'no_ranged_features', null],
    ]);
    expect(rows[1]?.detail).toMatch(/does not change the output/);
    expect(rows[1]?.scores['learnable.strong']).toBe(0.9);
    expect(countTasks(rows)).toEqual({ tasks: 2, passed: 1, rejected: 1, reasons: { noise_irrelevant: 1 } });
  });

  it('counts tasks in the run summary, names the rejected ones, and --strict fails on them', async () => {
    const { ctx } = await taskTree();
    const rows = await collectTasks(ctx.paths, ['d_one']);
    const verify = { ...emptySummary('verify', 1), processed: 1, ok: 1 };
    const text = formatSummary([verify], 1000, { counts: countTasks(rows), rows });
    expect(text).toMatch(/verify +datasets 1 .* rejected 0/);
    expect(text).toMatch(/1\/2 tasks passed; noise_irrelevant=1/);
    expect(text).toMatch(
      /verify task d_one_reg: rejected\(noise_irrelevant\) discrimination \(v1\): skipping/,
    );
    const verified = new Set(['d_one']);
    expect(await finishRun(ctx, [verify], 0, false, verified)).toBe(0);
    expect(await finishRun(ctx, [verify], 0, true, verified)).toBe(1);
    const runs = await readdir(ctx.paths.runsDir());
    const recorded = JSON.parse(await readFile(join(ctx.paths.runsDir(), runs[0]!), 'utf8'));
    expect(recorded.tasks).toMatchObject({ tasks: 2, passed: 1, rejected: 1 });
    await ctx.close();
  });

  it('audit lists the tasks in the terminal and in JSON, and counts task reasons', async () => {
    const { ctx } = await taskTree();
    const data = await collectAudit(ctx);
    await ctx.close();
    expect(data.tasks.find((t) => t.task === 'd_one_reg')).toMatchObject({
      status: 'rejected',
      check: 'discrimination',
      reason: 'noise_irrelevant',
    });
    expect(data.tasks.find((t) => t.task === 'd_one_class')?.split).toBe('train');
    expect(data.reasons).toContainEqual({
      stage: 'verify task',
      status: 'rejected',
      reason: 'noise_irrelevant',
      count: 1,
      examples: ['d_one_reg'],
    });
    const text = auditText(data);
    expect(text).toMatch(/d_one_reg\s+reg\s+parquet\s+rejected\s+v1\s+discrimination\s+noise_irrelevant/);
  });

  it("audit <id> shows the release a dataset's tasks are in, not 'not run'", async () => {
    const { ctx } = await taskTree();
    const text = storyText(await datasetStory(ctx, asDatasetId('d_one')));
    await ctx.close();
    expect(text).toMatch(/release +ok +in 1\.0\.0: d_one_class \(train\)/);
    expect(text).not.toMatch(/release +not run/);
  });

  it('audit <unknown> and --only <unknown> exit 2 naming the id and the near ones', async () => {
    const { root } = await taskTree();
    await writeFile(join(root, 'c.yaml'), configFor(root));
    const audit = await dareForge(['audit', 'd_onee', '--config', join(root, 'c.yaml')]);
    expect(audit.code).toBe(2);
    expect(audit.stderr).toMatch(/unknown dataset "d_onee".*did you mean d_one\b/);
    const verify = await dareForge(['verify', '--only', 'd_onee', '--config', join(root, 'c.yaml')]);
    expect(verify.code).toBe(2);
    expect(verify.stderr).toMatch(/unknown dataset "d_onee".*did you mean d_one\b/);
    const scrape = await dareForge([
      'scrape',
      '--only',
      'vega-datasets_penguin',
      '--config',
      join(root, 'c.yaml'),
    ]);
    expect(scrape.code).toBe(2);
    expect(scrape.stderr).toMatch(
      /unknown dataset "vega-datasets_penguin" \(did you mean vega-datasets_penguins\?\)/,
    );
    expect((await dareForge(['audit', 'd_one', '--config', join(root, 'c.yaml')])).code).toBe(0);
  });

  it('suggests near names only', () => {
    expect(nearNames('penguin', ['x_penguins', 'x_cars', 'x_weather'])).toEqual(['x_penguins']);
    expect(nearNames('zzzzzz', ['x_penguins', 'x_cars'])).toEqual([]);
  });
});
