import { dirname, join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { SelectionStats } from '../trajectories/select.ts';
import { type Strategy, strategies } from '../trajectories/strategies.ts';
import type { AgentRunFlags, AgentRunWords } from './agent-run.ts';
import { costCapStop, runAgentCommand, withRunBudgetOptions, withRunShapeOptions } from './agent-run.ts';
import { wholeNumberFlag } from './flags.ts';

interface TrajectoryFlags extends AgentRunFlags {
  samples: number;
  strategy: Strategy[];
}

const words: AgentRunWords = { unit: 'trace', variantHelp: 'question variants', example: 8 };

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
  const command = program
    .command('trajectories')
    .description(
      'SFT trajectories by rejection sampling: chat JSONL per strategy (FV, AV, BV, DV) + dataset card',
    )
    .requiredOption('--release <dir>', "the release's train folder: question_list.json + databases/")
    .requiredOption(
      '--model <provider:model>',
      'the sampled agent, e.g. openai:gpt-4o (see dare-forge eval --help)',
    )
    .addOption(
      new Option('--samples <k>', 'traces per task variant')
        .argParser(wholeNumberFlag(words.example))
        .default(8),
    )
    .addOption(
      new Option('--strategy <list>', 'strategies to export, comma separated')
        .argParser(strategyList)
        .default([...strategies], 'FV,AV,BV,DV'),
    );
  withRunBudgetOptions(withRunShapeOptions(command, words), words)
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
  return runAgentCommand(flags, {
    command: 'trajectories',
    words,
    repeats: flags.samples,
    maxFileMb: 200,
    outDir: (release, slug) => flags.out ?? join(dirname(release), 'trajectories', slug),
    async run(agent, executor) {
      const { runTrajectories } = await import('../trajectories/index.ts');
      const result = await runTrajectories({
        ...agent.evalOptions(executor),
        tasks: agent.tasks,
        variants: agent.variants,
        samples: flags.samples,
        strategies: flags.strategy,
        tool: agent.tool,
        sampling: { temperature: agent.config.llm.temperature, max_tokens: agent.config.llm.max_tokens },
      });
      if (result.notStarted > 0) throw costCapStop(flags.maxCostUsd, result, ', nothing exported');
      process.stdout.write(resultLine(result.stats, flags.strategy, agent.outDir));
      return 0;
    },
  });
}

function resultLine(s: SelectionStats, chosen: readonly Strategy[], outDir: string): string {
  const counts = chosen.map((k) => `${k} ${s.counts[k]}`).join(', ');
  return (
    `trajectories: ${s.traces} trace(s) of ${s.taskVariants} task variant(s), ${s.validTraces} valid; ` +
    `${s.solvedTaskVariants} task variant(s) with a valid trace, ${s.diverseTaskVariants} diverse; ${counts}\nwritten: ${outDir}\n`
  );
}
