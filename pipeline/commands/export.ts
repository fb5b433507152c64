import { resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { UserError } from '../errors.ts';
import { type CommonOptions, contextFromOptions, DEFAULT_CONFIG } from './common.ts';
import { positiveNumberFlag } from './flags.ts';

const exportHelp = `
Each task variant (v1 and v2) of the split, in the format a training stack reads:
  harbor   <out>/<task>_<variant>/ instruction.md, task.toml (limits, allow_internet = false,
           license), environment/ (Dockerfile pinning the verifier's numpy, pandas and
           scikit-learn; the question's files only), tests/ (test.sh, dare_score.py and the
           ground truth: scores /app/prediction.csv into /logs/verifier/reward.json),
           solution/solve.sh (IF: the reference solution; others: the true values)
  verl     <out>/<split>.parquet rows {data_source, prompt, ability, reward_model: {style:
           rule, ground_truth}, extra_info} + compute_score.py
  trl      <out>/<split>.jsonl (prompt as chat messages + task columns) + reward.py
  inspect  <out>/<split>.jsonl of Samples (input, target, id, metadata, files) + scorer.py
verl, trl and inspect put the agent's files under <out>/files/<task>/. Every scorer is the
same Python core (dare_score.py, needs pandas + numpy) with the paper's reward: 0 without a
prediction, IF 1.1 on an exact match else 0.1, predictive tasks 0.1 + metric. A completion
carries its prediction as its last \`\`\`csv block (or is the CSV itself).
The output is byte-identical for the same release and replaces --out as a whole, so --out must be
a new or empty folder or an earlier export (never one holding the release, a file or other files).

Examples:
  $ dare-forge export --release splits/1.0.0/train --format harbor
  $ dare-forge export --release splits/1.0.0/train --format verl --out exports/verl-train
`;

const serverHelp = `
Protocol (OpenRLHF remote reward): POST /get_reward with
  {"query": [prediction, ...], "prompts": [...], "labels": ["<task>:<v1|v2>", ...]}
answers {"rewards": [...], "scores": [...], "extra_logs": {"metric_score", "prediction_exists",
"unknown_task"}, "reasons": [...]}: rewards are the paper's reward, scores the task's metric.
A query is the prediction.csv text an agent saved, or a model answer whose last \`\`\`csv
block is the prediction; no CSV scores 0. An unknown label scores 0 with reason unknown_task.
Bounded: --max-body-mb per request, --max-batch items, --max-item-mb and --max-rows per
prediction, 60 s to send a request. Listens on 127.0.0.1 unless --host says otherwise.

Example:
  $ dare-forge reward-server --release splits/1.0.0/train --port 8000
`;

const positiveNumber = positiveNumberFlag(8);

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port 0-65535');
  return n;
}

interface ServerFlags {
  release: string[];
  host: string;
  port: number;
  maxBodyMb: number;
  maxBatch: number;
  maxItemMb: number;
  maxRows: number;
  config: string;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write a release split as Harbor tasks, a verl parquet, a TRL or an Inspect AI dataset')
    .requiredOption('--release <dir>', 'a release split: splits/<version>/<train|eval>')
    .addOption(
      new Option('--format <format>', 'training stack')
        .choices(['harbor', 'verl', 'trl', 'inspect'])
        .makeOptionMandatory(),
    )
    .option('--out <dir>', 'output folder (default: splits/<version>/exports/<format>/<split>/)')
    .option('-c, --config <file>', 'YAML config (corpus.limits caps the files read)', DEFAULT_CONFIG)
    .addHelpText('after', exportHelp)
    .action(
      async (flags: {
        release: string;
        format: 'harbor' | 'verl' | 'trl' | 'inspect';
        out?: string;
        config: string;
      }) => {
        const ctx = await contextFromOptions({ config: flags.config } satisfies CommonOptions);
        try {
          const { run } = await import('../export/index.ts');
          const result = await run(ctx, {
            release: flags.release,
            format: flags.format,
            ...(flags.out ? { out: flags.out } : {}),
          });
          process.stdout.write(
            `export ${flags.format}: ${result.variants} task variants in ${result.out}` +
              `${result.skipped.length ? `; ${result.skipped.length} skipped (export.json lists why)` : ''}\n`,
          );
        } finally {
          await ctx.close();
        }
      },
    );
}

/** `reward-server`: the OpenRLHF remote-reward protocol over a release's tasks. */
export function registerRewardServer(program: Command): void {
  program
    .command('reward-server')
    .description("serve the paper's RL reward over the OpenRLHF remote-reward protocol (POST /get_reward)")
    .requiredOption(
      '--release <dir...>',
      'release split(s) whose tasks are scored: splits/<version>/<train|eval>',
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .addOption(new Option('--port <n>', 'port (0: any free one)').argParser(port).default(8000))
    .addOption(new Option('--max-body-mb <n>', 'largest request body').argParser(positiveNumber).default(64))
    .addOption(
      new Option('--max-batch <n>', 'most items per request').argParser(positiveNumber).default(1024),
    )
    .addOption(new Option('--max-item-mb <n>', 'largest prediction').argParser(positiveNumber).default(8))
    .addOption(
      new Option('--max-rows <n>', 'most rows per prediction').argParser(positiveNumber).default(200000),
    )
    .option('-c, --config <file>', 'YAML config (corpus.limits caps the files read)', DEFAULT_CONFIG)
    .addHelpText('after', serverHelp)
    .action(async (flags: ServerFlags) => {
      const { loadConfig } = await import('../config/load.ts');
      const { readLimitsFrom } = await import('../util/inside.ts');
      const { RewardTasks, startRewardServer } = await import('../reward-server/index.ts');
      const limits = readLimitsFrom((await loadConfig(flags.config)).config.corpus.limits);
      const tasks = await RewardTasks.load(
        flags.release.map((r) => resolve(r)),
        limits,
      );
      if (tasks.size === 0)
        throw new UserError(`--release ${flags.release.join(' ')}: no tasks to score there.`);
      const MB = 1024 * 1024;
      const running = await startRewardServer({
        tasks,
        host: flags.host,
        port: flags.port,
        limits: {
          maxBodyBytes: Math.floor(flags.maxBodyMb * MB),
          maxBatch: Math.floor(flags.maxBatch),
          maxItemBytes: Math.floor(flags.maxItemMb * MB),
          maxItemRows: Math.floor(flags.maxRows),
        },
      }).catch((error: NodeJS.ErrnoException) => {
        const fix =
          error.code === 'EADDRINUSE'
            ? 'the port is taken; pick another --port (0: any free one)'
            : error.code === 'EACCES'
              ? 'ports below 1024 need privileges; pick a --port from 1024'
              : 'the host is not an address of this machine; use --host 127.0.0.1 (or 0.0.0.0 for every interface)';
        throw new UserError(
          `--host ${flags.host} --port ${flags.port}: cannot listen (${error.code ?? error.message}); ${fix}.`,
          1,
        );
      });
      if (!['127.0.0.1', '::1', 'localhost'].includes(flags.host)) {
        process.stderr.write(
          `warn: listening on ${flags.host}: anyone who reaches it can submit predictions\n`,
        );
      }
      process.stdout.write(`reward-server: ${tasks.size} tasks, listening on ${running.url}\n`);
      await new Promise<void>((done) => {
        const stop = () => void running.close().then(done);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
