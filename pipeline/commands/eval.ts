import { dirname, join, resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { UserError } from '../errors.ts';

interface EvalFlags {
  release: string;
  model: string;
  variant: 'v1' | 'v2' | 'both';
  turns: number;
  toolTimeout: number;
  repeats: number;
  tasks?: string[];
  concurrency: number;
  dryRun?: boolean;
  maxCostUsd?: number;
  data: boolean;
  out?: string;
  baseUrl?: string;
  maxFileMb: number;
  config: string;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1, e.g. 5');
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0, e.g. 2.5');
  return n;
}

const help = `
Models (--model <provider>:<model>):
  openai:<model>             OpenAI Chat Completions (OPENAI_API_KEY; OPENAI_BASE_URL or llm.openai.base_url)
  openai-responses:<model>   OpenAI Responses API (o-series, gpt-5, gpt-oss)
  anthropic:<model>          Anthropic Messages (ANTHROPIC_API_KEY)
  openai-compatible:<model>  any OpenAI-compatible server, e.g. vLLM serving Qwen (--base-url or OPENAI_BASE_URL)
  scripted:<policy>          a scripted agent started in-process (tests and demos)

Each run (task x variant x repeat) gets a fresh work folder with only the task's needed files
(none with --no-data), the task's question (v1: IF/XF, v2: MM/CF) as the user message and one
tool, python_executor, run in the sandbox (verify.executor: local pool or SandboxFusion). It
stops on an answer without tool calls or after --turns model calls; prediction.csv is scored
with the benchmark's metric and the paper's RL reward. Every model call goes through the cache
(<out>/_llm_cache), so a killed eval resumes without paying twice; a recorded run is skipped.
Results: <out>/runs/<task>.<variant>.r<k>.json and .trajectory.jsonl, <out>/summary.json
(default <out>: eval-results/<provider>_<model>[-no-data]/ beside the release folder).
Status: sandbox_error (the sandbox failed a call), else turn_limit, else no_prediction, else answered.

Examples:
  $ dare-forge eval --release splits/1.0.0/eval --model openai:gpt-4o --dry-run
  $ dare-forge eval --release splits/1.0.0/eval --model scripted:reference --repeats 1
  $ dare-forge eval --release splits/1.0.0/eval --model openai-compatible:Qwen/Qwen3-4B --base-url http://127.0.0.1:8000/v1
`;

export function registerEval(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('eval')
    .description("evaluate an agent on a release's tasks with the published DARE-bench protocol")
    .requiredOption(
      '--release <dir>',
      "the release's eval (or train) folder: question_list.json + databases/",
    )
    .requiredOption('--model <provider:model>', 'the agent under test, e.g. openai:gpt-4o (see below)')
    .addOption(
      new Option('--variant <variant>', 'question variants to run')
        .choices(['v1', 'v2', 'both'])
        .default('both'),
    )
    .addOption(new Option('--turns <n>', 'model calls per run at most').argParser(wholeNumber).default(5))
    .addOption(
      new Option('--tool-timeout <s>', 'seconds per tool call').argParser(positiveNumber).default(200),
    )
    .addOption(new Option('--repeats <n>', 'runs per task and variant').argParser(wholeNumber).default(3))
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
    .option('--no-data', 'empty work folders (the shortcut check: can the task be solved without its data?)')
    .option('--out <dir>', 'results folder (default: eval-results/<model-slug>/ beside --release)')
    .option('--base-url <url>', 'the provider base URL (wins over config and environment)')
    .addOption(
      new Option('--max-file-mb <mb>', 'largest file loaded or saved by a tool call')
        .argParser(positiveNumber)
        .default(200),
    )
    .option(
      '-c, --config <file>',
      'YAML config: verify.* (sandbox), llm.* (prices, retries, timeouts)',
      'configs/default.yaml',
    )
    .addHelpText('after', help)
    .action(async (flags: EvalFlags) => setExitCode(await runEvalCommand(flags)));
}

async function runEvalCommand(flags: EvalFlags): Promise<number> {
  const { loadConfig } = await import('../config/load.ts');
  const { Logger } = await import('../logger.ts');
  const { readLimitsFrom } = await import('../util/inside.ts');
  const { readEvalTasks, selectTasks } = await import('../eval/tasks.ts');
  const { planRuns, runEval } = await import('../eval/index.ts');
  const { createEvalModel, modelSlug, parseModelSpec } = await import('../eval/model/create.ts');
  const { formatSummaryTable } = await import('../eval/summary.ts');
  const { config } = await loadConfig(flags.config);
  const logger = new Logger('info');
  const release = resolve(flags.release);
  const spec = parseModelSpec(flags.model);
  const limits = readLimitsFrom(config.corpus.limits);
  const tasks = selectTasks(await readEvalTasks(release, limits), flags.tasks);
  const variants = flags.variant === 'both' ? (['v1', 'v2'] as const) : ([flags.variant] as const);
  const runs = planRuns(tasks, variants, flags.repeats);
  const outDir = resolve(
    flags.out ?? join(dirname(release), 'eval-results', `${modelSlug(spec)}${flags.data ? '' : '-no-data'}`),
  );
  const tool = { timeoutS: flags.toolTimeout, maxFileSizeMb: flags.maxFileMb, maxTurns: flags.turns };
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
      const { estimateEval } = await import('../eval/dry-run.ts');
      const estimate = estimateEval(runs, created.model.tools, flags.turns, spec.model, config.llm);
      const cost =
        estimate.cost_usd === null
          ? `unknown (llm.prices has no ${spec.model})`
          : `$${estimate.cost_usd.toFixed(2)}`;
      process.stdout.write(
        `eval dry run: ${estimate.runs} run(s) of ${tasks.length} task(s), at most ${estimate.calls} model call(s), ` +
          `~${estimate.input_tokens} input / ~${estimate.output_tokens} output tokens, cost at most ${cost}; credentials found; nothing was called.\n`,
      );
      return 0;
    }
    const { createExecutor } = await import('../sandbox/index.ts');
    const executor = await createExecutor(config.verify);
    try {
      const result = await runEval({
        release,
        outDir,
        runs,
        model: created.model,
        executor,
        turns: flags.turns,
        toolTimeoutS: flags.toolTimeout,
        memoryLimitMb: config.verify.limits.memory_limit_mb,
        maxFileBytes: Math.floor(flags.maxFileMb * 1024 ** 2),
        limits,
        noData: !flags.data,
        concurrency: flags.concurrency,
        ...(flags.maxCostUsd !== undefined ? { maxCostUsd: flags.maxCostUsd } : {}),
        progress: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(`${formatSummaryTable(result.summary)}\nresults: ${outDir}\n`);
      if (result.notStarted > 0) {
        throw new UserError(
          `stopped at --max-cost-usd ${flags.maxCostUsd}: spent $${result.spentUsd.toFixed(4)}, ${result.notStarted} run(s) not started; rerun with a higher cap to resume.`,
          1,
        );
      }
      return 0;
    } finally {
      await executor.close();
    }
  } finally {
    await created.close();
  }
}
