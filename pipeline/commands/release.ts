import type { Command } from 'commander';
import { UserError } from '../errors.ts';
import { type CommonOptions, contextFromOptions, requireOutputFolders, withCommonOptions } from './common.ts';

export function registerRelease(program: Command): void {
  const release = withCommonOptions(
    program
      .command('release')
      .description(
        'write splits/<version>/: train/eval in the published layout, open-license subset, manifest, exports',
      )
      .option(
        '--version <x.y.z>',
        'release version (semantic versioning; default: release.version in the config)',
      )
      .option('--corpus <dir>', 'release an existing corpus in the published layout instead of processed/'),
  );
  release.addHelpText(
    'after',
    '\nOnly tasks whose verification passed are released; with none, nothing is written and it exits 1. Eval holds the most recently updated datasets\n' +
      '(release.eval_fraction) or release.eval_pinned; near-duplicate datasets stay on one side.\n' +
      'Examples:\n  $ dare-forge release                  # the version from release.version\n  $ dare-forge release --version 1.0.0\n  $ dare-forge release --version 0.0.1 --corpus ../shared/fixtures/dare-eval\n',
  );
  release.action(async (options: CommonOptions & { version?: string; corpus?: string }) => {
    if (options.version !== undefined && !/^\d+\.\d+\.\d+$/.test(options.version)) {
      throw new UserError(`--version ${options.version}: expected a semantic version such as 1.0.0`);
    }
    const ctx = await contextFromOptions(options);
    const version = options.version ?? ctx.config.release.version;
    try {
      await requireOutputFolders(ctx, ['splits']);
      const { release: doRelease } = await import('../stages/release/index.ts');
      const result = await doRelease(ctx, {
        extra: { version, ...(options.corpus ? { corpus: options.corpus } : {}) },
        ...(options.force ? { force: true } : {}),
        ...(options.only ? { only: options.only } : {}),
      });
      const c = result.manifest.counts;
      process.stdout.write(
        `release ${version}: ${c.tasks.train} train, ${c.tasks.eval} eval tasks ` +
          `(open-license ${c.open_license.train} + ${c.open_license.eval}) in ${result.dir}` +
          `${result.fresh ? ' (fresh: same inputs, left as it was)' : ''}` +
          `${result.excluded.length ? `; ${result.excluded.length} left out (manifest.json excluded)` : ''}\n`,
      );
      if (result.rejected.length > 0) {
        const reasons = new Map<string, number>();
        for (const r of result.rejected) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
        const counts = [...reasons].map(([reason, n]) => `${reason} ${n}`).join(', ');
        process.stdout.write(
          `${result.rejected.length} corpus tasks rejected (${counts}); each is listed in manifest.json under "rejected"\n`,
        );
      }
    } finally {
      await ctx.close();
    }
  });
}
