import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { errorMessage, UserError } from '../errors.ts';

interface ScoreFlags {
  corpus: string;
  predictions: string;
  variant: 'v1' | 'v2' | 'both';
  json?: boolean;
  out?: string;
  rlReward?: boolean;
  config?: string;
}

const help = `
Predictions layout (one folder per task, named as the task folder in question_list.json):
  --variant v1 or v2   <predictions>/<task-folder>/prediction.csv        (the published evaluator's layout)
  --variant both       <predictions>/<task-folder>/v1/prediction.csv
                       <predictions>/<task-folder>/v2/prediction.csv

Metrics (as the published DARE-bench evaluator computes them):
  class IF  exact match of every prediction vs verify/simulated_pred_local.csv (0/1)
  class MM  macro-F1 vs verify/ground_truth.csv
  reg IF    np.allclose vs verify/simulated_pred_local.csv (0/1)
  reg MM    clipped R^2 = min(1, max(0, R^2)) vs verify/ground_truth.csv
  ts XF     clipped R^2 vs verify/ground_truth_v1.csv, rows matched by row_id
  ts CF     clipped R^2 vs verify/ground_truth_v2.csv, rows matched by every non-target column
Several targets: the mean over targets. Columns are typed as pandas.read_csv types them.
Rows are matched as the published evaluator does: an inner join on the ids, 0 unless it has
exactly as many rows as the ground truth. So prediction rows with unknown ids are ignored and
a repeated id standing in for a missing one still scores; both are listed as warnings.
A missing file, missing id columns, or a join of the wrong length score 0, each with a reason
code in the report. A prediction.csv that is a symbolic link (or inside a linked folder), a
FIFO, a device or over corpus.limits.max_prediction_mb is never read and scores 0. IF tasks whose
simulated_pred_local.csv does not exist yet are "unscorable" and left out of the means.
Output: the table below on stdout (or the report with --json), and the per-task report in
--out: score, reason code and detail per task and per target, summary per table column.
--rl-reward adds the paper's reward: IF 1.1 on a match, 0.1 for any prediction file;
predictive tasks 0.1 + metric; 0 without a file.

Examples:
  $ dare-forge score --corpus splits/v1/eval --predictions runs/gpt/eval --variant v2
  $ dare-forge score --corpus splits/v1/eval --predictions runs/gpt/eval --variant both --rl-reward --json
`;

export function registerScore(program: Command): void {
  program
    .command('score')
    .description("score an agent's prediction files against a corpus with the benchmark's metrics")
    .requiredOption('--corpus <dir>', 'corpus folder: question_list.json + databases/<task>/{source,verify}')
    .requiredOption('--predictions <dir>', 'folder with one <task-folder>/ per task holding prediction.csv')
    .addOption(
      new Option('--variant <variant>', 'question variant to score (both: v1/ and v2/ subfolders)')
        .choices(['v1', 'v2', 'both'])
        .default('v2'),
    )
    .option('--json', 'print the whole report as JSON instead of the table')
    .option(
      '--out <file>',
      'where to write the per-task report (default: <predictions>/scores-<variant>.json)',
    )
    .option('--rl-reward', "also compute the paper's RL reward per task")
    .option(
      '-c, --config <file>',
      'YAML config whose corpus.limits caps the files read (default: built-in caps)',
    )
    .addHelpText('after', help)
    .action(async (flags: ScoreFlags) => {
      const { scoreCorpus, formatTable } = await import('../score/index.ts');
      const { formatJson, writeFileAtomic } = await import('../store/atomic.ts');
      const { defaultReadLimits, readLimitsFrom } = await import('../util/inside.ts');
      let limits = defaultReadLimits();
      if (flags.config) {
        const { loadConfig } = await import('../config/load.ts');
        limits = readLimitsFrom((await loadConfig(flags.config)).config.corpus.limits);
      }
      const report = await scoreCorpus({
        limits,
        corpus: resolve(flags.corpus),
        predictions: resolve(flags.predictions),
        variant: flags.variant,
        rlReward: flags.rlReward ?? false,
      });
      const out = resolve(flags.out ?? join(flags.predictions, `scores-${flags.variant}.json`));
      const text = formatJson(report);
      await writeFileAtomic(out, text).catch((error: unknown) => {
        throw new UserError(
          `--out ${out}: cannot write the report (${errorMessage(error)}); pass a writable path with --out.`,
        );
      });
      if (flags.json) process.stdout.write(text);
      else process.stdout.write(`${formatTable(report)}\nper-task report: ${out}\n`);
      if (report.tasks.length > 0 && !report.tasks.some((t) => t.prediction_exists)) {
        const layout =
          flags.variant === 'both' ? '<task-folder>/v1/prediction.csv' : '<task-folder>/prediction.csv';
        process.stderr.write(
          `warn: no prediction file found; with --variant ${flags.variant} each task's file is ${layout} under --predictions (see --help)\n`,
        );
      }
    });
}
