import { Command, CommanderError } from 'commander';
import { registerAdd } from './commands/add.ts';
import { registerAudit } from './commands/audit.ts';
import { registerCalibrate } from './commands/calibrate.ts';
import { registerConfig } from './commands/config.ts';
import { registerDiff } from './commands/diff.ts';
import { registerEval } from './commands/eval.ts';
import { registerExport, registerRewardServer } from './commands/export.ts';
import { registerRelease } from './commands/release.ts';
import { registerScore } from './commands/score.ts';
import { registerSlurm } from './commands/slurm.ts';
import { registerStages } from './commands/stages.ts';
import { registerTrajectories } from './commands/trajectories.ts';
import { registerVerify } from './commands/verify.ts';
import { UserError } from './errors.ts';
import { PACKAGE_VERSION } from './version.ts';

/** Parses flags and hands off to one command; the single place errors become exit codes. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('dare-forge')
    .version(PACKAGE_VERSION)
    .description(
      'Build verifiable DARE-bench-style benchmark tasks for data-science agents from Kaggle datasets. ' +
        'Stages: scrape -> profile -> draft -> build -> verify -> release; each writes one artifact per ' +
        'dataset and skips datasets whose inputs did not change.',
    )
    .enablePositionalOptions()
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 run completed (rejections are normal outcomes), 1 a dataset ended in error or the run\ncould not finish or had nothing to do (--strict: also any rejection), 2 bad usage or config,\n130 interrupted (Ctrl-C: datasets in flight finish and the summary prints; a second Ctrl-C exits at once).\n\nExample:\n  $ dare-forge run --config configs/default.yaml\n',
    );
  registerStages(program, (code) => {
    exitCode = code;
  });
  registerAdd(program, (code) => {
    exitCode = code;
  });
  registerVerify(program, (code) => {
    exitCode = code;
  });
  registerRelease(program);
  registerDiff(program);
  registerAudit(program);
  registerScore(program);
  registerConfig(program);
  registerSlurm(program);
  registerExport(program);
  registerRewardServer(program);
  registerEval(program, (code) => (exitCode = code));
  registerCalibrate(program, (code) => (exitCode = code));
  registerTrajectories(program, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.exitCode === 0
      )
        return 0;
      return 2;
    }
    if (error instanceof UserError) {
      process.stderr.write(`dare-forge: ${error.message}\n`);
      return error.exitCode;
    }
    // The machine, not the code: a path we cannot write, a host that does not resolve.
    const { environmentFailure } = await import('./util/environment.ts');
    const environment = environmentFailure(error);
    if (environment) {
      process.stderr.write(`dare-forge: ${environment}\n`);
      return 1;
    }
    process.stderr.write(
      `dare-forge: internal error (a bug; please report it with this trace):\n${(error as Error).stack ?? String(error)}\n`,
    );
    return 1;
  }
}
