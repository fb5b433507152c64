import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCorpus } from '../../bench/scale/rig/generate.ts';
import {
  rigEnv,
  type ScaleServers,
  startScaleServers,
  writeRigConfig,
} from '../../bench/scale/rig/servers.ts';
import { type CliResult, runCli } from '../support/cli.ts';

export const repoRoot = join(import.meta.dirname, '../..');
export const fixtureRoot = join(repoRoot, '../shared/fixtures/kaggle');

export interface Rig {
  dir: string;
  servers: ScaleServers;
  /** A work folder with its own config (raw/, processed/, splits/ inside it). */
  workdir(name: string, extra?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** A generated corpus of `count` datasets behind loopback Kaggle and OpenAI-compatible servers. */
export async function startRig(count: number, seed = 7): Promise<Rig> {
  const dir = await mkdtemp(join(tmpdir(), 'scale-test-'));
  await generateCorpus({ fixtures: fixtureRoot, out: join(dir, 'mirror'), count, seed, maxRows: 400 });
  const servers = await startScaleServers(join(dir, 'mirror'));
  return {
    dir,
    servers,
    async workdir(name, extra) {
      return writeRigConfig({
        workdir: join(dir, name),
        servers,
        concurrency: 2,
        ...(extra ? { extra } : {}),
      });
    },
    async close() {
      await servers.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs bin/dare-forge.js as its own process, as a user would (env carries the dummy credentials). */
export function cli(args: readonly string[]): Promise<CliResult> {
  return runCli(args, { env: rigEnv() });
}

/** sha256 of every file under a folder, by relative path (sorted); empty when it does not exist. */
export async function hashTree(dir: string, keep: (path: string) => boolean = () => true) {
  const out: Record<string, string> = {};
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true })).sort();
  } catch {
    return out;
  }
  for (const name of names.filter(keep)) {
    try {
      out[name] = createHash('sha256')
        .update(await readFile(join(dir, name)))
        .digest('hex');
    } catch {
      // a folder
    }
  }
  return out;
}
