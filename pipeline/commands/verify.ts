import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { UserError } from '../errors.ts';
import { stageEntry } from '../stages/registry.ts';
import { formatJson } from '../store/atomic.ts';
import {
  type CommonOptions,
  contextFromOptions,
  finishRun,
  INTERRUPTED_EXIT,
  requireKnownDataset,
  requireOutputFolders,
  watchVerified,
  withCommonOptions,
} from './common.ts';

const verifyStageEntry = stageEntry('verify');

interface VerifyOptions extends CommonOptions {
  corpus?: string;
  out?: string;
  scope: 'all' | 'reference';
  blasThreads?: number;
  json?: boolean;
}

/**
 * `dare-forge verify`: the verify stage over processed/, or with --corpus an existing corpus in
 * the published layout (ours or the benchmark's), written to --out, never into the corpus.
 */
export function registerVerify(program: Command, setExit: (code: number) => void): void {
  const command = withCommonOptions(program.command('verify').description(verifyStageEntry.summary))
    .option(
      '--corpus <dir>',
      'verify an existing corpus (question_list.json + databases/) instead of processed/',
    )
    .option('--out <dir>', 'with --corpus: where regenerated predictions and verify-report.json go')
    .option('--json', 'with --corpus: print the report (counts, the tasks behind each, drift size) as JSON')
    .addOption(
      new Option(
        '--scope <scope>',
        'with --corpus: all checks, or only regenerate and compare the IF predictions',
      )
        .choices(['all', 'reference'])
        .default('all'),
    )
    .option(
      '--blas-threads <n>',
      "with --corpus: BLAS threads per worker (default: the publisher's setting when the corpus's manifest.json states it, else verify.blas_threads)",
      parseBlasThreads,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ dare-forge verify --only vega-datasets_penguins\n' +
        '  $ dare-forge verify --corpus ../dare-bench/data/eval --out reports/eval-verify --scope reference\n',
    );
  command.action(async (options: VerifyOptions) => {
    setExit(
      options.corpus ? await verifyCorpusCommand(options, options.corpus) : await verifyStageCommand(options),
    );
  });
}

function parseBlasThreads(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new UserError(`--blas-threads: "${text}" is not a whole number from 1 to 64`);
  return n;
}

async function verifyStageCommand(options: VerifyOptions): Promise<number> {
  if (options.out) throw new UserError('--out only applies with --corpus <dir>');
  if (options.json)
    throw new UserError(
      '--json only applies with --corpus <dir>; `dare-forge audit --json` reports processed/',
    );
  if (options.blasThreads !== undefined)
    throw new UserError(
      '--blas-threads only applies with --corpus <dir>; set verify.blas_threads in the config',
    );
  const ctx = await contextFromOptions(options);
  const started = ctx.clock.now();
  try {
    const { executeStages } = await import('../render/execute.ts');
    await requireOutputFolders(ctx, ['processed']);
    const verified = watchVerified(ctx);
    // An --only id must name a dataset already on disk.
    for (const id of options.only ?? []) await requireKnownDataset(ctx, id);
    const summaries = await executeStages(
      ctx,
      [verifyStageEntry],
      { ...(options.only ? { only: options.only } : {}), ...(options.force ? { force: true } : {}) },
      Boolean(options.verbose),
    );
    return await finishRun(ctx, summaries, started, Boolean(options.strict), verified);
  } finally {
    await ctx.close();
  }
}

async function verifyCorpusCommand(options: VerifyOptions, corpus: string): Promise<number> {
  if (!options.out) throw new UserError('--corpus needs --out <dir>: the input corpus is never written to');
  const ctx = await contextFromOptions(options);
  const { requireWritableDir } = await import('../util/writable.ts');
  await requireWritableDir(resolve(options.out), '--out');
  const { createExecutor } = await import('../sandbox/index.ts');
  const { checksConfig } = await import('../stages/verify/index.ts');
  const { verifyCorpus, REPORT_FILE } = await import('../stages/verify/corpus.ts');
  const { readLimitsFrom } = await import('../util/inside.ts');
  const { corpusBlasThreads, publisherBlasThreads } = await import('../stages/verify/publisher.ts');
  const blas = corpusBlasThreads(
    options.blasThreads,
    await publisherBlasThreads(corpus),
    ctx.config.verify.blas_threads,
  );
  ctx.logger.info(`verify --corpus: ${blas.threads} BLAS thread(s) per worker, from ${blas.why}`);
  const executor = await createExecutor({ ...ctx.config.verify, blas_threads: blas.threads });
  try {
    const report = await verifyCorpus({
      corpus,
      out: options.out,
      executor,
      checks: checksConfig(ctx),
      runTimeoutS: ctx.config.verify.limits.run_timeout_s,
      memoryLimitMb: ctx.config.verify.limits.memory_limit_mb,
      scope: options.scope,
      concurrency: options.concurrency ?? ctx.concurrency,
      limits: readLimitsFrom(ctx.config.corpus.limits),
      signal: ctx.signal,
      onTask: (task, drift) => ctx.logger.info(`${task}: drift ${drift.kind}`),
    });
    if (options.json) process.stdout.write(formatJson(report));
    else {
      const { breakdownText } = await import('../stages/verify/corpus-summary.ts');
      process.stdout.write(
        `verify --corpus ${corpus}\n${breakdownText(report.summary, report.breakdown)}report: ${options.out}/${REPORT_FILE}\n`,
      );
    }
    // A parquet task without pyarrow is this machine's limit, not drift.
    const drifted = report.tasks.some(
      (t) =>
        t.drift.kind === 'values' || (t.drift.kind === 'not_regenerated' && t.verdict.status === 'rejected'),
    );
    if (ctx.signal.aborted) return INTERRUPTED_EXIT;
    return drifted ? 1 : 0;
  } finally {
    await executor.close();
    await ctx.close();
  }
}
