import { mkdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerScore } from '../../pipeline/commands/score.ts';
import { UserError } from '../../pipeline/errors.ts';
import { scoreReportSchema } from '../../pipeline/score/report.ts';
import { testdir } from '../support/testdir.ts';
import { corpusTree } from './support.ts';

function program(): Command {
  const root = new Command('dare-forge').exitOverride().configureOutput({ writeErr: () => {} });
  registerScore(root);
  for (const command of root.commands) command.exitOverride();
  return root;
}

/** Runs the command and returns what it printed to stdout. */
async function run(args: string[]): Promise<string> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    await program().parseAsync(['node', 'dare-forge', 'score', ...args]);
  } finally {
    spy.mockRestore();
  }
  return chunks.join('');
}

afterEach(() => vi.restoreAllMocks());

const corpusFiles = corpusTree([
  {
    task: 'a_class',
    family: 'classification',
    targets: ['label'],
    verify: {
      'ground_truth.csv': 'row_id,label\n1,x\n2,y\n',
      'simulated_pred_local.csv': 'row_id,label\n1,x\n2,x\n',
    },
  },
  {
    task: 'b_ts',
    family: 'time_series_analysis',
    targets: ['v'],
    verify: { 'ground_truth_v1.csv': 'row_id,v\n1,1\n2,3\n', 'ground_truth_v2.csv': 'day,v\nmon,1\ntue,3\n' },
  },
]);

describe('dare-forge score', () => {
  it('prints the results table and writes the report beside the predictions by default', async () => {
    const corpus = await testdir(corpusFiles);
    const predictions = await testdir({
      'a_class/prediction.csv': 'row_id,label\n2,y\n1,x\n',
      'b_ts/prediction.csv': 'day,v\ntue,2\nmon,1\n',
      'typo_class/prediction.csv': 'row_id,label\n',
    });
    const printed = await run(['--corpus', corpus, '--predictions', predictions]);
    expect(printed).toMatch(/class IF\s+class MM\s+reg IF\s+reg MM\s+ts XF\s+ts CF/);
    // ts CF: truth 1,3 predicted 1,2 -> R^2 = 1 - 1/2.
    expect(printed).toMatch(/score \(%\)\s+-\s+100\.00\s+-\s+-\s+-\s+50\.00/);
    expect(printed).toContain('prediction folders matching no task: typo_class');
    const report = scoreReportSchema.parse(
      JSON.parse(await readFile(join(predictions, 'scores-v2.json'), 'utf8')),
    );
    expect(report.tasks.map((t) => [t.task, t.variant, t.score])).toEqual([
      ['a_class', 'v2', 1],
      ['b_ts', 'v2', 0.5],
    ]);
  });

  it('prints the same JSON it writes with --json --out, rewards included', async () => {
    const corpus = await testdir(corpusFiles);
    const predictions = await testdir({
      'a_class/v1/prediction.csv': 'row_id,label\n1,x\n2,x\n',
      'a_class/v2/prediction.csv': 'row_id,label\n1,x\n2,x\n',
    });
    const out = join(await testdir(), 'nested', 'scores.json');
    const printed = await run([
      '--corpus',
      corpus,
      '--predictions',
      predictions,
      '--variant',
      'both',
      '--json',
      '--out',
      out,
      '--rl-reward',
    ]);
    expect(await readFile(out, 'utf8')).toBe(printed);
    const report = scoreReportSchema.parse(JSON.parse(printed));
    expect(report.tasks.map((t) => [t.task, t.variant, t.score, t.reward, t.reason])).toEqual([
      ['a_class', 'v1', 1, 1.1, null],
      ['a_class', 'v2', expect.closeTo(1 / 3, 15), expect.closeTo(0.1 + 1 / 3, 15), null],
      ['b_ts', 'v1', 0, 0, 'missing_prediction'],
      ['b_ts', 'v2', 0, 0, 'missing_prediction'],
    ]);
  });

  it('caps prediction files with --config corpus.limits and refuses a linked prediction', async () => {
    const corpus = await testdir(corpusFiles);
    const big = `row_id,label\n1,x\n2,y\n${'3,z\n'.repeat(150_000)}`;
    const predictions = await testdir({ 'a_class/prediction.csv': big });
    await mkdir(join(predictions, 'b_ts'));
    await symlink(
      join(corpus, 'databases', 'b_ts', 'verify', 'ground_truth_v2.csv'),
      join(predictions, 'b_ts', 'prediction.csv'),
    );
    const config = join(
      await testdir({ 'c.yaml': 'corpus:\n  limits:\n    max_prediction_mb: 0.5\n' }),
      'c.yaml',
    );
    const outcome = async (args: string[]) =>
      scoreReportSchema
        .parse(JSON.parse(await run(['--corpus', corpus, '--predictions', predictions, '--json', ...args])))
        .tasks.map((t) => [t.task, t.score, t.reason]);
    // The default cap (200 MB) reads the 600 kB file: extra rows are ignored, as published.
    expect(await outcome([])).toEqual([
      ['a_class', 1, null],
      ['b_ts', 0, 'prediction_refused'],
    ]);
    expect(await run(['--corpus', corpus, '--predictions', predictions])).toMatch(
      /warnings \(tasks, scored anyway\):\n {2}extra_rows_ignored \(1\): /,
    );
    expect(await outcome(['--config', config])).toEqual([
      ['a_class', 0, 'prediction_too_large'],
      ['b_ts', 0, 'prediction_refused'],
    ]);
  });

  it('explains itself in --help and names the bad path in errors', async () => {
    const score = program().commands.find((c) => c.name() === 'score');
    const help = score?.helpInformation() ?? '';
    let after = '';
    score?.configureOutput({ writeOut: (text) => (after += text) });
    score?.outputHelp();
    expect(help).toContain('--variant <variant>');
    expect(after).toContain('<predictions>/<task-folder>/v1/prediction.csv');
    expect(after).toMatch(/Examples:\n\s+\$ dare-forge score --corpus/);

    const corpus = await testdir(corpusFiles);
    const missing = join(corpus, 'no-such-predictions');
    const failure = run(['--corpus', corpus, '--predictions', missing]);
    await expect(failure).rejects.toBeInstanceOf(UserError);
    await expect(failure).rejects.toThrow(missing);
    await expect(run(['--corpus', corpus, '--predictions', corpus, '--variant', 'v3'])).rejects.toThrow(/v3/);
  });
});
