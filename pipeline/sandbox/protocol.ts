import { z } from 'zod';
import { blockedAttemptSchema } from './contract.ts';

/** Messages between pipeline/sandbox/worker-process.ts and verifiers/worker.py (JSON lines). */
export const workerReadySchema = z.object({
  ready: z.literal(true),
  pid: z.number().int(),
  uid: z.number().int().nullable(),
});

export const workerResultSchema = z.discriminatedUnion('status', [
  z.object({
    id: z.string(),
    status: z.enum(['Finished', 'TimeLimitExceeded']),
    execution_time: z.number(),
    return_code: z.number().int().nullable(),
    stdout: z.string(),
    stderr: z.string(),
    truncated: z.boolean(),
    files: z.record(z.string(), z.string()),
    blocked: z.array(blockedAttemptSchema),
  }),
  z.object({ id: z.string().nullable(), status: z.literal('Error'), message: z.string() }),
]);

export interface WorkerJob {
  id: string;
  code: string;
  /** Job-relative path -> base64 content, written into the job's folder inside its sandbox. */
  files: Record<string, string>;
  /** Job-relative paths read back after the job (regular files inside its folder only). */
  fetch_files: string[];
  timeout_s: number;
  /** RLIMIT_AS in MiB; <= 0 means none. */
  memory_mb: number;
  max_processes: number;
  max_file_mb: number;
  /** Total MiB the job may write (its folder and /tmp), beyond its input files. */
  max_disk_mb: number;
  max_output_bytes: number;
}

export type WorkerReady = z.infer<typeof workerReadySchema>;
export type WorkerResult = z.infer<typeof workerResultSchema>;
