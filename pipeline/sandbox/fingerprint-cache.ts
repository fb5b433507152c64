import { mkdir, readFile, stat } from 'node:fs/promises';
import { availableParallelism, cpus, release } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { writeJsonAtomic } from '../store/atomic.ts';
import { sha256File, stableStringify } from '../util/hash.ts';
import type { Executor } from './contract.ts';
import { type EnvironmentFingerprint, fingerprintSchema, fingerprintWithStamps } from './fingerprint.ts';

const FINGERPRINT_SCRIPT = new URL('../../verifiers/fingerprint.py', import.meta.url);

const cacheSchema = z.object({
  context: z.string(),
  stamps: z.record(z.string(), z.string()),
  fingerprint: fingerprintSchema,
});

/** A file's size and modification time, or "missing". */
async function stampOf(path: string): Promise<string> {
  try {
    const stats = await stat(path);
    return `${stats.size}:${stats.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

async function stampsOf(files: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const file of [...files].sort()) out[file] = await stampOf(file);
  return out;
}

/**
 * The environment fingerprint of a local executor, reused from `file` while nothing it stands
 * for moved: the same settings (`settings`, the kernel, the CPU model and count, fingerprint.py) and the
 * same size and mtime of the interpreter, each library's files and folder, the BLAS library and
 * the site folders (a package upgrade or install changes them). Otherwise the fingerprint runs
 * in the executor (starting it) and the cache is rewritten. `cached` says which happened.
 */
export async function cachedFingerprint(
  executor: Executor,
  file: string,
  settings: Record<string, unknown>,
): Promise<{ fingerprint: EnvironmentFingerprint; cached: boolean }> {
  const context = stableStringify({
    settings,
    kernel: release(),
    cpus: availableParallelism(),
    // The CPU model decides the BLAS kernel (threadpoolctl's architecture): a processed/ folder
    // shared by Slurm nodes of another CPU must not reuse this machine's fingerprint.
    cpu: cpus()[0]?.model ?? 'unknown',
    script: await sha256File(fileURLToPath(FINGERPRINT_SCRIPT)),
  });
  try {
    const cache = cacheSchema.parse(JSON.parse(await readFile(file, 'utf8')));
    const now = await stampsOf(Object.keys(cache.stamps));
    if (cache.context === context && stableStringify(now) === stableStringify(cache.stamps))
      return { fingerprint: cache.fingerprint, cached: true };
  } catch {
    // No cache, or an unreadable one: fingerprint anew.
  }
  const { fingerprint, stampFiles } = await fingerprintWithStamps(executor);
  if (stampFiles.length > 0) {
    await mkdir(dirname(file), { recursive: true });
    await writeJsonAtomic(file, {
      context,
      stamps: await stampsOf(stampFiles),
      fingerprint,
    });
  }
  return { fingerprint, cached: false };
}
