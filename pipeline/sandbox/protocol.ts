import { z } from 'zod';

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
  }),
  z.object({ id: z.string().nullable(), status: z.literal('Error'), message: z.string() }),
]);

export interface WorkerJob {
  id: string;
  /** Absolute folder holding only the job's files; the job's working directory. */
  dir: string;
  code: string;
  timeout_s: number;
  /** RLIMIT_AS in MiB; <= 0 means none. */
  memory_mb: number;
  max_processes: number;
  max_file_mb: number;
  max_output_bytes: number;
}

export type WorkerReady = z.infer<typeof workerReadySchema>;
export type WorkerResult = z.infer<typeof workerResultSchema>;
