import { dirname, join, resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { UserError } from '../errors.ts';
import type { SelectionStats } from '../trajectories/select.ts';
import { type Strategy, strategies } from '../trajectories/strategies.ts';

interface TrajectoryFlags {
  release: string;
  model: string;
  samples: number;
  strategy: Strategy[];
  variant: 'v1' | 'v2' | 'both';
  turns: number;
  toolTimeout: number;
  tasks?: string[];
  concurrency: number;
  dryRun?: boolean;
  maxCostUsd?: number;
  out?: string;
  baseUrl?: string;
  config: string;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1, e.g. 8');
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0, e.g. 2.5');
  return n;
}

function strategyList(value: string): Strategy[] {
  const names = value
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  const bad = names.filter((n) => !(strategies as readonly string[]).includes(n));
  if (bad.length > 0 || names.length === 0) {
    throw new InvalidArgumentError(
      `unknown strategy ${bad.join(', ') || '(none)'}; use some of ${strategies.join(',')}`,
    );
  }
  return strategies.filter((s) => names.includes(s));
}

const help = `
Rejection sampling (the paper's SFT data): --samples runs of every task variant through the
eval harness (same protocol, sandbox, cache and ledger as dare-forge eval; sample k = repeat k).
A trace is valid on an exact match (IF) or at/above classification-MM 0.8, regression-MM 0.7,
time-series XF 0.6, CF 0.3. A task variant is diverse when its traces include both a 0 and a 1
(IF) or its score variance is >= 0.15 (0.1 for CF). Strategies:
  FV  the first valid trace (lowest sample) of each task variant
  AV  every valid trace
  BV  the best valid trace of each task variant (highest score, ties to the lowest sample)
  DV  every valid trace of the diverse task variants
Writes <out>/<strategy>.jsonl (one {task, variant, family, sample, score, messages, tools} line
per trace, the chat shape HF datasets and TRL SFTTrainer read) and <out>/README.md (dataset
card), plus the runs in <out>/runs (default <out>: trajectories/<model-slug>/ beside --release).
A rerun reuses recorded runs and cached model calls and writes the same bytes.

Examples:
  $ dare-forge trajectories --release splits/1.0.0/train --model openai:gpt-4o --samples 8 --dry-run
  $ dare-forge trajectories --release splits/1.0.0/train --model scripted:mixed --samples 4 --strategy FV,DV
`;

export function registerTrajectories(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('trajectories')
    .description(
      'SFT trajectories by rejection sampling: chat JSONL per strategy (FV, AV, BV, DV) + dataset card',
    )
    .requiredOption('--release <dir>', "the release's train folder: question_list.json + databases/")
    .requiredOption(
      '--model <provider:model>',
      'the sampled agent, e.g. openai:gpt-4o (see dare-forge eval --help)',
    )
    .addOption(new Option('--samples <k>', 'traces per task variant').argParser(wholeNumber).default(8))
    .addOption(
      new Option('--strategy <list>', 'strategies to export, comma separated')
        .argParser(strategyList)
        .default([...strategies], 'FV,AV,BV,DV'),
    )
    .addOption(
      new Option('--variant <variant>', 'question variants').choices(['v1', 'v2', 'both']).default('both'),
    )
    .addOption(new Option('--turns <n>', 'model calls per trace at most').argParser(wholeNumber).default(5))
    .addOption(
      new Option('--tool-timeout <s>', 'seconds per tool call').argParser(positiveNumber).default(200),
    )
    .option('--tasks <ids>', 'only these task folders, comma separated', (value: string) =>
      value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .addOption(new Option('--concurrency <n>', 'runs at once').argParser(wholeNumber).default(2))
    .option('--dry-run', 'estimate tokens and cost, check credentials; no model call')
    .addOption(
      new Option('--max-cost-usd <usd>', 'start no run once this much was spent').argParser(positiveNumber),
    )
    .option('--out <dir>', 'output folder (default: trajectories/<model-slug>/ beside --release)')
    .option('--base-url <url>', 'the provider base URL (wins over config and environment)')
    .option(
      '-c, --config <file>',
      'YAML config: verify.* (sandbox), llm.* (temperature, prices)',
      'configs/default.yaml',
    )
    .addHelpText('after', help)
    .action(async (flags: TrajectoryFlags) => setExitCode(await runTrajectoriesCommand(flags)));
}

async function runTrajectoriesCommand(flags: TrajectoryFlags): Promise<number> {
  const { loadConfig } = await import('../config/load.ts');
  const { Logger } = await import('../logger.ts');
  const { readLimitsFrom } = await import('../util/inside.ts');
  const { readEvalTasks, selectTasks } = await import('../eval/tasks.ts');
  const { createEvalModel, modelSlug, parseModelSpec } = await import('../eval/model/create.ts');
  const { runTrajectories } = await import('../trajectories/index.ts');
  const { config } = await loadConfig(flags.config);
  const logger = new Logger('info');
  const release = resolve(flags.release);
  const spec = parseModelSpec(flags.model);
  const limits = readLimitsFrom(config.corpus.limits);
  const tasks = selectTasks(await readEvalTasks(release, limits), flags.tasks);
  const variants = flags.variant === 'both' ? (['v1', 'v2'] as const) : ([flags.variant] as const);
  const outDir = resolve(flags.out ?? join(dirname(release), 'trajectories', modelSlug(spec)));
  const tool = { timeoutS: flags.toolTimeout, maxFileSizeMb: 200, maxTurns: flags.turns };
  const created = await createEvalModel({
    spec,
    config,
    tool,
    releaseDir: release,
    cacheRoot: outDir,
    logger,
    ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}),
  });
  try {
    if (flags.dryRun) {
      const { planRuns } = await import('../eval/index.ts');
      const { estimateEval } = await import('../eval/dry-run.ts');
      const e = estimateEval(
        planRuns(tasks, variants, flags.samples),
        created.model.tools,
        flags.turns,
        spec.model,
        config.llm,
      );
      process.stdout.write(dryRunLine(e, tasks.length, spec.model));
      return 0;
    }
    const { createExecutor } = await import('../sandbox/index.ts');
    const executor = await createExecutor(config.verify);
    try {
      const result = await runTrajectories({
        release,
        outDir,
        tasks,
        variants,
        samples: flags.samples,
        strategies: flags.strategy,
        tool,
        sampling: { temperature: config.llm.temperature, max_tokens: config.llm.max_tokens },
        model: created.model,
        executor,
        turns: flags.turns,
        toolTimeoutS: flags.toolTimeout,
        memoryLimitMb: config.verify.limits.memory_limit_mb,
        maxFileBytes: 200 * 1024 ** 2,
        limits,
        concurrency: flags.concurrency,
        ...(flags.maxCostUsd !== undefined ? { maxCostUsd: flags.maxCostUsd } : {}),
        progress: (line) => process.stderr.write(`${line}\n`),
      });
      if (result.notStarted > 0) {
        throw new UserError(
          `stopped at --max-cost-usd ${flags.maxCostUsd}: spent $${result.spentUsd.toFixed(4)}, ${result.notStarted} run(s) not started, nothing exported; rerun with a higher cap to resume.`,
          1,
        );
      }
      process.stdout.write(resultLine(result.stats, flags.strategy, outDir));
      return 0;
    } finally {
      await executor.close();
    }
  } finally {
    await created.close();
  }
}

function dryRunLine(
  e: { runs: number; calls: number; input_tokens: number; output_tokens: number; cost_usd: number | null },
  taskCount: number,
  model: string,
): string {
  const cost = e.cost_usd === null ? `unknown (llm.prices has no ${model})` : `$${e.cost_usd.toFixed(2)}`;
  return (
    `trajectories dry run: ${e.runs} trace(s) of ${taskCount} task(s), at most ${e.calls} model call(s), ` +
    `~${e.input_tokens} input / ~${e.output_tokens} output tokens, cost at most ${cost}; credentials found; nothing was called.\n`
  );
}

function resultLine(s: SelectionStats, chosen: readonly Strategy[], outDir: string): string {
  const counts = chosen.map((k) => `${k} ${s.counts[k]}`).join(', ');
  return (
    `trajectories: ${s.traces} trace(s) of ${s.taskVariants} task variant(s), ${s.validTraces} valid; ` +
    `${s.solvedTaskVariants} task variant(s) with a valid trace, ${s.diverseTaskVariants} diverse; ${counts}\nwritten: ${outDir}\n`
  );
}
