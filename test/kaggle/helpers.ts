import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../pipeline/config/load.ts';
import type { Config } from '../../pipeline/config/schema.ts';
import { type Context, createContext } from '../../pipeline/context.ts';
import { Logger } from '../../pipeline/logger.ts';
import type { Timing } from '../../pipeline/sources/kaggle/backoff.ts';
import { createKaggleSource, type KaggleSource } from '../../pipeline/sources/kaggle/index.ts';

export const fixtureRoot = join(import.meta.dirname, '../../../shared/fixtures/kaggle');

export async function tempDir(prefix = 'kaggle-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Sleeps that return at once but are recorded, so backoff never slows a test down. */
export function fastTiming(): Timing & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => Date.now(),
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

export interface Harness {
  ctx: Context;
  source: KaggleSource;
  lines: string[];
  timing: ReturnType<typeof fastTiming>;
  config: Config;
}

export interface HarnessOptions {
  dir: string;
  baseUrl: string;
  style: 'rpc' | 'rest';
  env?: Record<string, string>;
  homeDir?: string;
  kaggle?: Record<string, unknown>;
}

/** A context with temp output folders and a Kaggle source pointed at the loopback server. */
export function harness(options: HarnessOptions): Harness {
  const result = parseConfigText('', {
    paths: { raw: join(options.dir, 'raw'), processed: join(options.dir, 'processed') },
    run: { concurrency: 2 },
    kaggle: {
      base_url: options.baseUrl,
      url_style: options.style,
      requests_per_minute: 0,
      request_timeout_ms: 5000,
      ...options.kaggle,
      retry: { max_attempts: 4, base_delay_ms: 10, max_delay_ms: 50, ...(options.kaggle?.retry as object) },
    },
  });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  const lines: string[] = [];
  const logger = new Logger('debug', { write: (line) => lines.push(line) });
  const ctx = createContext({ config: result.config, cwd: options.dir, logger });
  const timing = fastTiming();
  const source = createKaggleSource(result.config.kaggle, logger, {
    env: options.env ?? {},
    homeDir: options.homeDir ?? join(options.dir, 'home'),
    timing,
  });
  return { ctx, source, lines, timing, config: result.config };
}

/** Every file under a folder, relative path -> content. */
export async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  let names: string[];
  try {
    names = await readdir(dir, { recursive: true });
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    try {
      out.set(name, await readFile(join(dir, name)));
    } catch {
      // a folder
    }
  }
  return out;
}
