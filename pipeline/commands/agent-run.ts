import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import type { Config } from '../config/schema.ts';
import { UserError } from '../errors.ts';
import type { EvalOptions } from '../eval/index.ts';
import type { EvalModel } from '../eval/model/cached.ts';
import type { ModelSpec } from '../eval/model/create.ts';
import type { EvalTask } from '../eval/tasks.ts';
import type { ToolSettings } from '../eval/tool.ts';
import type { Executor } from '../sandbox/contract.ts';
import type { Variant } from '../score/report.ts';
import type { CorpusReadLimits } from '../util/inside.ts';
import { commaList, positiveNumberFlag, wholeNumberFlag } from './flags.ts';

/** The flags of the commands that run an agent over a release's tasks (eval, trajectories). */
export interface AgentRunFlags {
  release: string;
  model: string;
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

/** What a run is called in help and messages, and the example its whole-number errors show. */
export interface AgentRunWords {
  /** `run` (eval) or `trace` (trajectories). */
  unit: string;
  variantHelp: string;
  example: number;
}

/** --variant, --turns and --tool-timeout. */
export function withRunShapeOptions(command: Command, words: AgentRunWords): Command {
  return command
    .addOption(
      new Option('--variant <variant>', words.variantHelp).choices(['v1', 'v2', 'both']).default('both'),
    )
    .addOption(
      new Option('--turns <n>', `model calls per ${words.unit} at most`)
        .argParser(wholeNumberFlag(words.example))
        .default(5),
    )
    .addOption(
      new Option('--tool-timeout <s>', 'seconds per tool call')
        .argParser(positiveNumberFlag(2.5))
        .default(200),
    );
}

/** --tasks, --concurrency, --dry-run and --max-cost-usd. */
export function withRunBudgetOptions(command: Command, words: AgentRunWords): Command {
  return command
    .option('--tasks <ids>', 'only these task folders, comma separated', commaList)
    .addOption(
      new Option('--concurrency <n>', 'runs at once').argParser(wholeNumberFlag(words.example)).default(2),
    )
    .option('--dry-run', 'estimate tokens and cost, check credentials; no model call')
    .addOption(
      new Option('--max-cost-usd <usd>', 'start no run once this much was spent').argParser(
        positiveNumberFlag(2.5),
      ),
    );
}

/** Everything a command needs to run the agent, read once from its flags and config. */
export interface AgentRun {
  config: Config;
  release: string;
  spec: ModelSpec;
  limits: CorpusReadLimits;
  tasks: EvalTask[];
  variants: readonly Variant[];
  outDir: string;
  tool: ToolSettings;
  model: EvalModel;
  /** runEval's options but the runs and --no-data, for this run and `executor`. */
  evalOptions(executor: Executor): Omit<EvalOptions, 'runs' | 'noData'>;
}

export interface AgentRunPlan {
  /** The command's name, first word of its dry-run line. */
  command: string;
  words: AgentRunWords;
  /** Runs per task variant (--repeats, --samples): what a dry run estimates. */
  repeats: number;
  maxFileMb: number;
  /** The results folder, from the release folder and the model's slug. */
  outDir(release: string, slug: string): string;
  run(agent: AgentRun, executor: Executor): Promise<number>;
}

/**
 * The set-up eval and trajectories share: config, tasks, variants, the model (its key checked,
 * its cache under the output folder); then either the dry-run estimate (no model call, no
 * sandbox) or `plan.run` with a sandbox executor, everything closed afterwards.
 */
export async function runAgentCommand(flags: AgentRunFlags, plan: AgentRunPlan): Promise<number> {
  const { loadConfig } = await import('../config/load.ts');
  const { Logger } = await import('../logger.ts');
  const { readLimitsFrom } = await import('../util/inside.ts');
  const { readEvalTasks, selectTasks } = await import('../eval/tasks.ts');
  const { createEvalModel, modelSlug, parseModelSpec } = await import('../eval/model/create.ts');
  const { config } = await loadConfig(flags.config);
  const logger = new Logger('info');
  const release = resolve(flags.release);
  const spec = parseModelSpec(flags.model);
  const limits = readLimitsFrom(config.corpus.limits);
  const tasks = selectTasks(await readEvalTasks(release, limits), flags.tasks);
  const variants = flags.variant === 'both' ? (['v1', 'v2'] as const) : ([flags.variant] as const);
  const outDir = resolve(plan.outDir(release, modelSlug(spec)));
  const tool = { timeoutS: flags.toolTimeout, maxFileSizeMb: plan.maxFileMb, maxTurns: flags.turns };
  const created = await createEvalModel({
    spec,
    config,
    tool,
    releaseDir: release,
    cacheRoot: outDir,
    logger,
    ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}),
  });
  const model = created.model;
  const agent: AgentRun = {
    config,
    release,
    spec,
    limits,
    tasks,
    variants,
    outDir,
    tool,
    model,
    evalOptions: (executor) => ({
      release,
      outDir,
      model,
      executor,
      turns: flags.turns,
      toolTimeoutS: flags.toolTimeout,
      memoryLimitMb: config.verify.limits.memory_limit_mb,
      maxFileBytes: Math.floor(plan.maxFileMb * 1024 ** 2),
      limits,
      concurrency: flags.concurrency,
      ...(flags.maxCostUsd !== undefined ? { maxCostUsd: flags.maxCostUsd } : {}),
      progress: (line) => process.stderr.write(`${line}\n`),
    }),
  };
  try {
    if (flags.dryRun) {
      process.stdout.write(await dryRunLine(agent, flags.turns, plan));
      return 0;
    }
    const { createExecutor } = await import('../sandbox/index.ts');
    const executor = await createExecutor(config.verify);
    try {
      return await plan.run(agent, executor);
    } finally {
      await executor.close();
    }
  } finally {
    await created.close();
  }
}

async function dryRunLine(agent: AgentRun, turns: number, plan: AgentRunPlan): Promise<string> {
  const { planRuns } = await import('../eval/index.ts');
  const { estimateEval } = await import('../eval/dry-run.ts');
  const runs = planRuns(agent.tasks, agent.variants, plan.repeats);
  const e = estimateEval(runs, agent.model.tools, turns, agent.spec.model, agent.config.llm);
  const cost =
    e.cost_usd === null ? `unknown (llm.prices has no ${agent.spec.model})` : `$${e.cost_usd.toFixed(2)}`;
  return (
    `${plan.command} dry run: ${e.runs} ${plan.words.unit}(s) of ${agent.tasks.length} task(s), at most ${e.calls} model call(s), ` +
    `~${e.input_tokens} input / ~${e.output_tokens} output tokens, cost at most ${cost}; credentials found; nothing was called.\n`
  );
}

/** The one line of a run stopped by --max-cost-usd (exit 1); `outcome` says what was not done beyond the runs. */
export function costCapStop(
  cap: number | undefined,
  result: { spentUsd: number; notStarted: number },
  outcome = '',
): UserError {
  return new UserError(
    `stopped at --max-cost-usd ${cap}: spent $${result.spentUsd.toFixed(4)}, ${result.notStarted} run(s) not started${outcome}; rerun with a higher cap to resume.`,
    1,
  );
}
