import { dirname, join } from 'node:path';
import { type Command, Option } from 'commander';
import type { AgentRunFlags, AgentRunWords } from './agent-run.ts';
import { costCapStop, runAgentCommand, withRunBudgetOptions, withRunShapeOptions } from './agent-run.ts';
import { positiveNumberFlag, wholeNumberFlag } from './flags.ts';

interface EvalFlags extends AgentRunFlags {
  repeats: number;
  data: boolean;
  maxFileMb: number;
}

const words: AgentRunWords = { unit: 'run', variantHelp: 'question variants to run', example: 5 };

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
  const command = program
    .command('eval')
    .description("evaluate an agent on a release's tasks with the published DARE-bench protocol")
    .requiredOption(
      '--release <dir>',
      "the release's eval (or train) folder: question_list.json + databases/",
    )
    .requiredOption('--model <provider:model>', 'the agent under test, e.g. openai:gpt-4o (see below)');
  withRunShapeOptions(command, words).addOption(
    new Option('--repeats <n>', 'runs per task and variant')
      .argParser(wholeNumberFlag(words.example))
      .default(3),
  );
  withRunBudgetOptions(command, words)
    .option('--no-data', 'empty work folders (the shortcut check: can the task be solved without its data?)')
    .option('--out <dir>', 'results folder (default: eval-results/<model-slug>/ beside --release)')
    .option('--base-url <url>', 'the provider base URL (wins over config and environment)')
    .addOption(
      new Option('--max-file-mb <mb>', 'largest file loaded or saved by a tool call')
        .argParser(positiveNumberFlag(2.5))
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
  return runAgentCommand(flags, {
    command: 'eval',
    words,
    repeats: flags.repeats,
    maxFileMb: flags.maxFileMb,
    outDir: (release, slug) =>
      flags.out ?? join(dirname(release), 'eval-results', `${slug}${flags.data ? '' : '-no-data'}`),
    async run(agent, executor) {
      const { planRuns, runEval } = await import('../eval/index.ts');
      const { formatSummaryTable } = await import('../eval/summary.ts');
      const result = await runEval({
        ...agent.evalOptions(executor),
        runs: planRuns(agent.tasks, agent.variants, flags.repeats),
        noData: !flags.data,
      });
      process.stdout.write(`${formatSummaryTable(result.summary)}\nresults: ${agent.outDir}\n`);
      if (result.notStarted > 0) throw costCapStop(flags.maxCostUsd, result);
      return 0;
    },
  });
}
