import { type Command, Option } from 'commander';
import { addScaleOptions, type ScaleOptions } from '../scale/options.ts';
import { stages } from '../stages/registry.ts';
import {
  type CommonOptions,
  contextFromOptions,
  finishRun,
  requireKnownDataset,
  requireOutputFolders,
  watchVerified,
  withCommonOptions,
} from './common.ts';

const examples: Record<string, string> = {
  scrape: 'dare-forge scrape --source mirror --config configs/fixtures.yaml',
  profile: 'dare-forge profile --only vega-datasets_penguins --force',
};

async function runEntries(names: readonly string[], options: CommonOptions & ScaleOptions): Promise<number> {
  const ctx = await contextFromOptions(options);
  const started = ctx.clock.now();
  try {
    // A missing API key is found before scrape and profile run, and before a dry run's estimate.
    if (ctx.config.draft.provider !== 'offline') {
      const { checkLlmCredentials } = await import('../llm/create.ts');
      checkLlmCredentials(ctx.config, names);
    }
    if (options.dryRun) return await (await import('../scale/options.ts')).printDryRun(ctx, options);
    await requireOutputFolders(ctx, [
      ...(names.includes('scrape') ? (['raw'] as const) : []),
      'processed',
      ...(names.includes('release') ? (['splits'] as const) : []),
    ]);
    const { withSpendCap } = await import('../scale/entries.ts');
    const { executeStages } = await import('../render/execute.ts');
    const entries = withSpendCap(
      stages.filter((s) => names.includes(s.name)),
      options.maxCostUsd,
    );
    const verified = watchVerified(ctx);
    // After scrape, an --only id must name a dataset already on disk (scrape checks its listing).
    if (names[0] !== 'scrape') for (const id of options.only ?? []) await requireKnownDataset(ctx, id);
    const summaries = await executeStages(
      ctx,
      entries,
      { ...(options.only ? { only: options.only } : {}), ...(options.force ? { force: true } : {}) },
      Boolean(options.verbose),
    );
    return await finishRun(ctx, summaries, started, Boolean(options.strict), verified);
  } finally {
    await ctx.close();
  }
}

/** One subcommand per stage, plus `run` for all of them in order. */
export function registerStages(program: Command, setExit: (code: number) => void): void {
  for (const entry of stages.filter((s) => !s.ownCommand)) {
    const command = withCommonOptions(program.command(entry.name).description(entry.summary));
    if (entry.name === 'scrape') command.addOption(sourceOption());
    if (entry.name === 'draft') addScaleOptions(command, { dryRun: false });
    command.addHelpText(
      'after',
      `\nOutcome per dataset: ok, rejected(reason) or error(reason); fresh datasets are skipped.\nExample:\n  $ ${examples[entry.name] ?? `dare-forge ${entry.name}`}\n`,
    );
    command.action(async (options: CommonOptions & ScaleOptions) =>
      setExit(await runEntries([entry.name], options)),
    );
  }
  const run = withCommonOptions(
    program.command('run').description(`all stages in order: ${stages.map((s) => s.name).join(' -> ')}`),
  ).addOption(sourceOption());
  addScaleOptions(run, { dryRun: true });
  run.addHelpText(
    'after',
    '\nA rerun skips every dataset whose inputs did not change, so an interrupted run resumes.\nExample:\n  $ dare-forge run --config configs/default.yaml\n',
  );
  run.action(async (options: CommonOptions & ScaleOptions) =>
    setExit(
      await runEntries(
        stages.map((s) => s.name),
        options,
      ),
    ),
  );
}

function sourceOption(): Option {
  return new Option('--source <kind>', 'where datasets come from (overrides source.kind)').choices([
    'catalog',
    'mirror',
    'kaggle',
  ]);
}
