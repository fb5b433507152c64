import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type Context, createContext } from '../context.ts';
import { UserError } from '../errors.ts';
import { asDatasetId, type DatasetId } from '../ids.ts';
import { Logger } from '../logger.ts';
import type { StageSummary } from '../progress.ts';
import { parseShard, type Shard } from '../shard.ts';
import { formatJson, writeFileAtomic } from '../store/atomic.ts';
import { stageOrder } from '../store/paths.ts';
import { didYouMean } from '../util/suggest.ts';
import { commaList, wholeNumberFlag } from './flags.ts';

export const DEFAULT_CONFIG = 'configs/default.yaml';

export interface CommonOptions {
  config: string;
  only?: DatasetId[];
  force?: boolean;
  concurrency?: number;
  verbose?: boolean;
  strict?: boolean;
  shard?: Shard;
  /** scrape and run: overrides source.kind. */
  source?: 'catalog' | 'mirror' | 'kaggle';
}

const positiveInt = wholeNumberFlag(4);

function idList(value: string, previous: DatasetId[] = []): DatasetId[] {
  const ids = commaList(value);
  try {
    return [...previous, ...ids.map((id) => asDatasetId(id.replace('/', '_')))];
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** The flags every stage command shares. */
export function withCommonOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'YAML config file', DEFAULT_CONFIG)
    .option(
      '--only <ids>',
      'only these datasets: ids (owner_slug) or refs (owner/slug), comma separated',
      idList,
    )
    .option('--force', 'redo datasets even when their artifacts are fresh')
    .addOption(
      new Option('--concurrency <n>', 'datasets worked on at once (default: run.concurrency)').argParser(
        positiveInt,
      ),
    )
    .option('-v, --verbose', 'log every dataset, including fresh ones, and debug detail')
    .option('--strict', 'exit 1 when any dataset or task is rejected, not only on errors')
    .addOption(
      new Option(
        '--shard <k/n>',
        'process only shard k of n (a stable subset by dataset id), e.g. 1/4',
      ).argParser((value: string) => {
        try {
          return parseShard(value);
        } catch (error) {
          throw new InvalidArgumentError((error as Error).message);
        }
      }),
    );
}

/** The exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells expect. */
export const INTERRUPTED_EXIT = 130;

/**
 * Loads config and builds the context. The first Ctrl-C stops taking new datasets and lets the
 * ones in flight finish (the command then prints its summary and exits 130); a second exits 130
 * at once (status records are written last, so a rerun redoes what was cut short).
 */
export async function contextFromOptions(options: CommonOptions): Promise<Context> {
  const overrides = options.source ? { source: { kind: options.source } } : {};
  // Loaded here, not at the top: `--help` and `--version` must not pay for the config schemas.
  const { loadConfig } = await import('../config/load.ts');
  const { config, warnings } = await loadConfig(options.config, overrides);
  const logger = new Logger(options.verbose ? 'debug' : 'info');
  for (const warning of warnings) logger.warn(warning);
  const controller = new AbortController();
  // One listener for both presses: with `once`, Node restores the default (die at once, no
  // summary) between removing the first and adding the next, and a quick second press hit it.
  let presses = 0;
  process.on('SIGINT', () => {
    presses += 1;
    if (presses > 1) process.exit(INTERRUPTED_EXIT);
    controller.abort();
    logger.warn('interrupted: finishing datasets in flight (Ctrl-C again to exit now; a rerun resumes)');
  });
  return createContext({
    config,
    logger,
    signal: controller.signal,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.shard ? { shard: options.shard } : {}),
  });
}

/**
 * The datasets the verify stage ends during this run (fresh ones included), so the summary can
 * count their tasks. Call before the stages run.
 */
export function watchVerified(ctx: Context): Set<string> {
  const ids = new Set<string>();
  ctx.progress.on((event) => {
    if (event.type === 'dataset:end' && event.stage === 'verify') ids.add(event.id);
  });
  return ids;
}

/** Prints the summary, records it under processed/_runs/, and returns the exit code. */
export async function finishRun(
  ctx: Context,
  summaries: StageSummary[],
  startedMs: number,
  strict: boolean,
  verified: ReadonlySet<string> = new Set(),
): Promise<number> {
  const totalMs = ctx.clock.now() - startedMs;
  const { collectTasks, countTasks } = await import('../audit/tasks.ts');
  const { formatSummary } = await import('../render/summary.ts');
  const taskRows = verified.size > 0 ? await collectTasks(ctx.paths, [...verified].sort()) : [];
  const tasks = summaries.some((s) => s.stage === 'verify') ? countTasks(taskRows) : null;
  process.stdout.write(formatSummary(summaries, totalMs, tasks ? { counts: tasks, rows: taskRows } : null));
  const stamp = new Date(startedMs).toISOString().replace(/[:.]/g, '-');
  await mkdir(ctx.paths.runsDir(), { recursive: true });
  await writeFileAtomic(
    join(ctx.paths.runsDir(), `${stamp}.json`),
    formatJson({
      started_at: new Date(startedMs).toISOString(),
      wall_ms: Math.round(totalMs),
      stages: summaries,
      ...(tasks ? { tasks } : {}),
    }),
  );
  const errors = summaries.some((s) => Object.keys(s.errors).length > 0);
  const rejected =
    summaries.some((s) => Object.keys(s.rejected).length > 0) || (tasks !== null && tasks.rejected > 0);
  if (ctx.signal.aborted) {
    ctx.logger.warn('interrupted: the summary covers what finished; rerun the same command to resume');
    return INTERRUPTED_EXIT;
  }
  if (errors) return 1;
  const empty = emptyRunMessage(ctx, summaries);
  if (empty) {
    ctx.logger.warn(empty);
    // A shard may legitimately hold no dataset; anywhere else nothing could be done.
    if (!ctx.shard) return 1;
  }
  if (rejected && (strict || ctx.config.run.strict)) return 1;
  return 0;
}

/**
 * Fails before any work, in one line naming the folder and its key, when an output folder the
 * command writes cannot be written (read-only, a file in the way).
 */
export async function requireOutputFolders(
  ctx: Context,
  keys: readonly ('raw' | 'processed' | 'splits')[],
): Promise<void> {
  const { requireWritableDir } = await import('../util/writable.ts');
  for (const key of keys) await requireWritableDir(ctx.paths[key], `paths.${key}`);
}

/** Says what to run first when no stage of the run had a dataset to work on. */
function emptyRunMessage(ctx: Context, summaries: readonly StageSummary[]): string | undefined {
  const first = summaries[0];
  if (!first || summaries.some((s) => s.total > 0)) return undefined;
  const before = stageOrder[stageOrder.indexOf(first.stage) - 1];
  const shard = ctx.shard ? ` in shard ${ctx.shard.index}/${ctx.shard.count}` : '';
  if (!before) return `${first.stage}: the source listed no dataset${shard}; check source.* in the config`;
  return (
    `${first.stage}: nothing to do${shard}: no dataset under ${ctx.paths.processed} has passed ${before} yet; ` +
    `run \`dare-forge ${before}\` (or \`dare-forge run\`) first`
  );
}

/** Dataset ids with a folder under raw/ or processed/: the ones any stage after scrape knows. */
export async function knownDatasets(ctx: Context): Promise<string[]> {
  const raw = await readdir(ctx.paths.raw).catch(() => [] as string[]);
  const { listDatasetDirs } = await import('../store/status.ts');
  const processed = await listDatasetDirs(ctx.paths.processed);
  return [...new Set([...raw.filter((n) => !n.startsWith('.') && !n.startsWith('_')), ...processed])].sort();
}

/** A UserError naming the unknown id and the nearest known ones. */
export async function requireKnownDataset(ctx: Context, id: string): Promise<void> {
  const known = await knownDatasets(ctx);
  if (known.includes(id)) return;
  throw new UserError(
    `unknown dataset "${id}": no folder under ${ctx.paths.raw} or ${ctx.paths.processed}${didYouMean(id, known)}. ` +
      '`dare-forge audit` lists every dataset; a new one needs `dare-forge scrape` (or `add owner/slug`) first.',
  );
}
