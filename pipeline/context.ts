import { join } from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import type { Config } from './config/schema.ts';
import { Logger } from './logger.ts';
import { Progress } from './progress.ts';
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
}

export function createContext(options: ContextOptions): Context {
  const { config } = options;
  const cwd = options.cwd ?? process.cwd();
  let instance: Promise<DuckDBInstance> | undefined;
  const paths = new Paths(config, cwd);
  return {
    config,
    paths,
    logger: options.logger ?? new Logger(),
    clock: options.clock ?? systemClock,
    progress: options.progress ?? new Progress(),
    signal: options.signal ?? new AbortController().signal,
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
    async close() {
      if (instance) (await instance).closeSync();
      instance = undefined;
    },
  };
}
