import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Executor } from './contract.ts';

const FINGERPRINT_SCRIPT = fileURLToPath(new URL('../../verifiers/fingerprint.py', import.meta.url));

/** What verifiers/fingerprint.py prints: the facts IF ground truth depends on. */
export const fingerprintSchema = z.object({
  python: z.string(),
  implementation: z.string(),
  executable: z.string(),
  libraries: z.record(z.string(), z.string().nullable()),
  blas: z.array(
    z.object({
      internal_api: z.string().nullable(),
      user_api: z.string().nullable(),
      version: z.string().nullable(),
      architecture: z.string().nullable(),
      threading_layer: z.string().nullable(),
      num_threads: z.number().int().nullable(),
      filepath: z.string().nullable(),
    }),
  ),
  platform: z.object({ system: z.string(), machine: z.string(), release: z.string(), libc: z.string() }),
});
export type EnvironmentFingerprint = z.infer<typeof fingerprintSchema>;

/** Fingerprints the environment jobs actually run in (inside the executor, not this process). */
export async function environmentFingerprint(executor: Executor): Promise<EnvironmentFingerprint> {
  return (await fingerprintWithStamps(executor)).fingerprint;
}

/**
 * The fingerprint and the files (interpreter, libraries, BLAS, site folders) whose size and
 * modification time stand for it: see fingerprint-cache.ts.
 */
export async function fingerprintWithStamps(
  executor: Executor,
): Promise<{ fingerprint: EnvironmentFingerprint; stampFiles: string[] }> {
  const code = await readFile(FINGERPRINT_SCRIPT, 'utf8');
  const response = await executor.runCode({ code, run_timeout: 60 });
  const run = response.run_result;
  if (response.status !== 'Success' || !run?.stdout) {
    throw new Error(
      `${executor.name} executor: fingerprint.py failed: ${response.message || run?.stderr || ''}`,
    );
  }
  const printed: unknown = JSON.parse(run.stdout);
  const parsed = fingerprintSchema.safeParse(printed);
  if (!parsed.success) throw new Error(`fingerprint.py printed an unexpected shape: ${parsed.error.message}`);
  const stamps = z.object({ stamp_files: z.array(z.string()).default([]) }).safeParse(printed);
  return { fingerprint: parsed.data, stampFiles: stamps.success ? stamps.data.stamp_files : [] };
}
