import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { UserError } from '../errors.ts';
import { commaList, wholeNumberFlag } from './flags.ts';

interface CalibrateFlags {
  release: string;
  models: string[];
  repeats: number;
  turns: number;
  toolTimeout: number;
  concurrency: number;
  config: string;
}

const wholeNumber = wholeNumberFlag(3);

const help = `
Every model runs every task and variant twice over: with its data files and with an empty work
folder (the shortcut check). Runs already recorded under eval-results/<model-slug>[-no-data]/
beside the release are read, not rerun. A run solves its task when its score reaches the paper's
validity threshold (IF exact match; classification MM 0.8, regression MM 0.7, time-series XF
0.6, CF 0.3). Written: calibration/calibration.json beside the release folder (never inside the
DARE layout): per task and variant the solve rate and mean score over models and repeats, and the
flags unsolved_by_all, trivial (every model solved every run with at most one tool call) and
shortcut (solved without the data).

Example:
  $ dare-forge calibrate --release splits/1.0.0/eval --models scripted:reference,scripted:baseline --repeats 1
`;

export function registerCalibrate(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('calibrate')
    .description('judge every task of a release by how the given models solve it (solve rate, flags)')
    .requiredOption('--release <dir>', "the release's eval folder: question_list.json + databases/")
    .requiredOption(
      '--models <specs>',
      'models, comma separated, e.g. openai:gpt-4o,scripted:baseline',
      commaList,
    )
    .addOption(new Option('--repeats <n>', 'runs per task and variant').argParser(wholeNumber).default(3))
    .addOption(new Option('--turns <n>', 'model calls per run at most').argParser(wholeNumber).default(5))
    .addOption(new Option('--tool-timeout <s>', 'seconds per tool call').argParser(wholeNumber).default(200))
    .addOption(new Option('--concurrency <n>', 'runs at once').argParser(wholeNumber).default(2))
    .option('-c, --config <file>', 'YAML config: verify.* (sandbox), llm.*', 'configs/default.yaml')
    .addHelpText('after', help)
    .action(async (flags: CalibrateFlags) => setExitCode(await runCalibrateCommand(flags)));
}

async function runCalibrateCommand(flags: CalibrateFlags): Promise<number> {
  if (flags.models.length === 0)
    throw new UserError('--models: name at least one model, e.g. scripted:reference');
  // Every spec is checked before the first model runs: a typo in the last one must not cost
  // the runs of the others first.
  const { parseModelSpec } = await import('../eval/model/create.ts');
  for (const model of flags.models) parseModelSpec(model);
  const { loadConfig } = await import('../config/load.ts');
  const { Logger } = await import('../logger.ts');
  const { createExecutor } = await import('../sandbox/index.ts');
  const { runCalibration } = await import('../calibrate/run.ts');
  const { config } = await loadConfig(flags.config);
  const executor = await createExecutor(config.verify);
  try {
    const { path, calibration } = await runCalibration({
      release: resolve(flags.release),
      models: flags.models,
      repeats: flags.repeats,
      turns: flags.turns,
      toolTimeoutS: flags.toolTimeout,
      concurrency: flags.concurrency,
      config,
      executor,
      logger: new Logger('info'),
      progress: (line) => process.stderr.write(`${line}\n`),
    });
    const { counts } = calibration;
    process.stdout.write(
      `calibrated ${counts.tasks} task variant(s) over ${calibration.models.length} model(s): ` +
        `${counts.unsolved_by_all} unsolved by all, ${counts.trivial} trivial, ${counts.shortcut} shortcut\n${path}\n`,
    );
    return 0;
  } finally {
    await executor.close();
  }
}
