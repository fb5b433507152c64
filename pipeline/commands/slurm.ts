import { type Command, Option } from 'commander';
import { UserError } from '../errors.ts';
import { formatJson } from '../store/atomic.ts';
import { contextFromOptions, DEFAULT_CONFIG } from './common.ts';
import { wholeNumberFlag } from './flags.ts';

const wholeNumber = wholeNumberFlag(4);

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface SubmitFlags {
  config: string;
  shards: number;
  version?: string;
  partition?: string;
  sbatchArg?: string[];
  dryRun?: boolean;
}

/** `dare-forge slurm submit|status|resubmit`: the corpus as a Slurm array job plus its release job. */
export function registerSlurm(program: Command): void {
  const slurm = program
    .command('slurm')
    .description('run the corpus on a Slurm cluster: one array task per shard, then a release-and-audit job');
  registerSubmit(slurm);
  registerStatus(slurm);
  registerResubmit(slurm);
}

function registerSubmit(slurm: Command): void {
  slurm
    .command('submit')
    .description(
      'write processed/_slurm/{shard,release}.sbatch and submit them (array job, then afterok release)',
    )
    .option('-c, --config <file>', 'YAML config file', DEFAULT_CONFIG)
    .addOption(
      new Option('--shards <n>', 'number of shards (array tasks)')
        .argParser(wholeNumber)
        .makeOptionMandatory(),
    )
    .option('--version <x.y.z>', 'release version the release job writes (default: release.version)')
    .option('--partition <name>', 'Slurm partition for both jobs')
    .option(
      '--sbatch-arg <arg>',
      'one more sbatch option for both jobs, repeatable, e.g. --sbatch-arg=--time=02:00:00',
      collect,
    )
    .option('--dry-run', 'print the rendered scripts and the sbatch commands; submit nothing')
    .addHelpText(
      'after',
      '\nEvery path (raw/, processed/, splits/, the config, this repo and its Node) must be on storage all\nnodes share; jobs start in the current folder with the submitting environment. Task k of the\n' +
        'array (SLURM_ARRAY_TASK_ID, 0-based) runs `dare-forge run --shard k+1/N`; the release job starts when\n' +
        'all of them exited 0. Job ids and script paths are recorded in processed/_slurm/submission.json.\n' +
        'Example:\n  $ dare-forge slurm submit --config configs/fixtures.yaml --shards 4 --partition batch\n',
    )
    .action(async (flags: SubmitFlags) => {
      if (flags.version !== undefined && !/^\d+\.\d+\.\d+$/.test(flags.version)) {
        throw new UserError(`--version ${flags.version}: expected a semantic version such as 1.0.0`);
      }
      const ctx = await contextFromOptions({ config: flags.config });
      try {
        const { submit } = await import('../slurm/submit.ts');
        const done = await submit(ctx, {
          config: flags.config,
          shards: flags.shards,
          ...(flags.version ? { version: flags.version } : {}),
          ...(flags.partition ? { partition: flags.partition } : {}),
          sbatchArgs: flags.sbatchArg ?? [],
          ...(flags.dryRun ? { dryRun: true } : {}),
          out: (text) => process.stdout.write(text),
        });
        if (done) {
          process.stdout.write(
            `slurm: submitted array job ${done.array_job} (${done.shards} shards) and release job ${done.release_job} ` +
              `(afterok); follow it with \`dare-forge slurm status --config ${flags.config}\`\n`,
          );
        }
      } finally {
        await ctx.close();
      }
    });
}

function registerStatus(slurm: Command): void {
  slurm
    .command('status')
    .description(
      'progress of the recorded submission: per shard datasets done/failed/pending, and job states',
    )
    .option('-c, --config <file>', 'YAML config file', DEFAULT_CONFIG)
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nCounts come from the stage records under processed/ (datasets seen on disk so far); job states from\n' +
        '`scontrol show job` when it is on PATH.\nExample:\n  $ dare-forge slurm status --config configs/fixtures.yaml\n',
    )
    .action(async (flags: { config: string; json?: boolean }) => {
      const ctx = await contextFromOptions({ config: flags.config });
      try {
        const { slurmStatus, statusText } = await import('../slurm/status.ts');
        const status = await slurmStatus(ctx);
        process.stdout.write(flags.json ? formatJson(status) : statusText(status));
      } finally {
        await ctx.close();
      }
    });
}

function registerResubmit(slurm: Command): void {
  slurm
    .command('resubmit')
    .description('submit one failed shard again, alone, with a new release job chained after it')
    .option('-c, --config <file>', 'YAML config file', DEFAULT_CONFIG)
    .addOption(
      new Option('--shard <k>', 'the shard to rerun (1-based, as in status)')
        .argParser(wholeNumber)
        .makeOptionMandatory(),
    )
    .option('--dry-run', 'print the sbatch commands; submit nothing')
    .addHelpText(
      'after',
      '\nThe rerun skips the datasets the failed shard already finished. Example:\n' +
        '  $ dare-forge slurm resubmit --config configs/fixtures.yaml --shard 2\n',
    )
    .action(async (flags: { config: string; shard: number; dryRun?: boolean }) => {
      const ctx = await contextFromOptions({ config: flags.config });
      try {
        const { resubmit } = await import('../slurm/submit.ts');
        const done = await resubmit(ctx, {
          shard: flags.shard,
          ...(flags.dryRun ? { dryRun: true } : {}),
          out: (text) => process.stdout.write(text),
        });
        if (done) {
          const job = done.shard_jobs.find((s) => s.shard === flags.shard)?.job;
          process.stdout.write(
            `slurm: resubmitted shard ${flags.shard} as job ${job}; release job ${done.release_job}\n`,
          );
        }
      } finally {
        await ctx.close();
      }
    });
}
