import { join } from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import type { Config } from './config/schema.ts';
import type { LlmClient } from './llm/types.ts';
import { Logger } from './logger.ts';
import { Progress } from './progress.ts';
import type { Executor } from './sandbox/contract.ts';
import { LazyExecutor } from './sandbox/lazy.ts';
import type { Shard } from './shard.ts';
import { Paths } from './store/paths.ts';

export interface Clock {
  /** Milliseconds, monotonic enough for durations. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * Everything a stage may touch, handed in: no stage reaches for globals. Tests build one
 * with temp folders and loopback services.
 */
export interface Context {
  config: Config;
  paths: Paths;
  logger: Logger;
  clock: Clock;
  progress: Progress;
  signal: AbortSignal;
  concurrency: number;
  /** With --shard k/n, only this shard's datasets are processed by per-dataset stages. */
  shard?: Shard;
  /** The folder relative config paths (catalog, mirror) resolve against. */
  cwd: string;
  /** A shared DuckDB instance, created on first use with the configured limits. */
  duckdb(): Promise<DuckDBInstance>;
  /**
   * The LLM client draft.provider names (cache, cost ledger, retries), made on the first call,
   * so `--help` and offline runs never load a provider. Throws a UserError when it is offline.
   */
  llm(): Promise<LlmClient>;
  /** The executor verify.executor names: its pool starts on the first job, close() ends it. */
  executor(): Executor;
  close(): Promise<void>;
}

export interface ContextOptions {
  config: Config;
  cwd?: string;
  logger?: Logger;
  clock?: Clock;
  progress?: Progress;
  signal?: AbortSignal;
  concurrency?: number;
  shard?: Shard;
  /** A client to hand out instead of the configured one (tests: a scripted or loopback client). */
  llm?: LlmClient;
  /** An executor to hand out instead of the configured one; its owner closes it, not close(). */
  executor?: Executor;
}

export function createContext(options: ContextOptions): Context {
  const { config } = options;
  const cwd = options.cwd ?? process.cwd();
  let instance: Promise<DuckDBInstance> | undefined;
  const paths = new Paths(config, cwd);
  const logger = options.logger ?? new Logger();
  const signal = options.signal ?? new AbortController().signal;
  let llm: Promise<LlmClient> | undefined = options.llm && Promise.resolve(options.llm);
  let executor: LazyExecutor | undefined;
  return {
    config,
    paths,
    logger,
    clock: options.clock ?? systemClock,
    progress: options.progress ?? new Progress(),
    signal,
    concurrency: options.concurrency ?? config.run.concurrency,
    ...(options.shard ? { shard: options.shard } : {}),
    cwd,
    duckdb() {
      instance ??= import('@duckdb/node-api').then(({ DuckDBInstance }) =>
        DuckDBInstance.create(':memory:', {
          memory_limit: config.profile.memory_limit,
          threads: String(config.profile.threads),
          // Spill files of huge tables go beside the artifacts, not into the working folder.
          temp_directory: join(paths.processed, '_duckdb_tmp'),
          // Never reach the network for extensions: parquet and json are built in.
          autoinstall_known_extensions: 'false',
          autoload_known_extensions: 'false',
        }),
      );
      return instance;
    },
    llm() {
      llm ??= import('./llm/create.ts').then(({ createLlmClient }) =>
        createLlmClient({ config, paths, logger, signal }),
      );
      return llm;
    },
    executor() {
      if (options.executor) return options.executor;
      executor ??= new LazyExecutor(config.verify.executor, () =>
        import('./sandbox/index.ts').then(({ createExecutor }) => createExecutor(config.verify)),
      );
      return executor;
    },
    async close() {
      if (instance) (await instance).closeSync();
      instance = undefined;
      await executor?.close();
      executor = undefined;
    },
  };
}
