import { z } from 'zod';

/**
 * The SandboxFusion `run_code` contract (reference/sandboxfusion-api.md). The local pool and
 * the remote client both speak it, so either can verify a corpus.
 */
export const runCodeRequestSchema = z.object({
  code: z.string(),
  language: z.literal('python').default('python'),
  compile_timeout: z.number().positive().optional(),
  run_timeout: z.number().positive().default(10),
  memory_limit_MB: z.number().int().default(-1),
  stdin: z.string().nullable().optional(),
  /** path (relative to the job's fresh folder) -> base64 content */
  files: z.record(z.string(), z.string()).default({}),
  fetch_files: z.array(z.string()).default([]),
});

export const runStatusSchema = z.enum(['Finished', 'Error', 'TimeLimitExceeded']);

export const commandResultSchema = z.object({
  status: runStatusSchema,
  execution_time: z.number().nullable().optional(),
  return_code: z.number().int().nullable().optional(),
  stdout: z.string().nullable().optional(),
  stderr: z.string().nullable().optional(),
});

/**
 * What a job tried that the sandbox hides or refuses (the attempt is blocked either way):
 * a host path, another process, the network, a privileged call, or the disk quota. Our
 * extension of the contract, reported by the local executor; SandboxFusion never sends it.
 */
export const blockedKindSchema = z.enum(['host_path', 'process', 'network', 'privilege', 'disk_quota']);
export const blockedAttemptSchema = z.object({ kind: blockedKindSchema, detail: z.string() });

export const runCodeResponseSchema = z.object({
  status: z.enum(['Success', 'Failed', 'SandboxError']),
  message: z.string().default(''),
  compile_result: commandResultSchema.nullable().default(null),
  run_result: commandResultSchema.nullable().default(null),
  files: z.record(z.string(), z.string()).default({}),
  executor_pod_name: z.string().nullable().optional(),
  blocked_attempts: z.array(blockedAttemptSchema).optional(),
});

export type RunCodeRequest = z.input<typeof runCodeRequestSchema>;
export type ParsedRunCodeRequest = z.output<typeof runCodeRequestSchema>;
export type CommandResult = z.infer<typeof commandResultSchema>;
export type RunCodeResponse = z.infer<typeof runCodeResponseSchema>;
export type BlockedAttempt = z.infer<typeof blockedAttemptSchema>;

export interface RunOptions {
  signal?: AbortSignal;
}

/** Runs one program in a fresh sandboxed folder; never throws for the program's own failures. */
export interface Executor {
  readonly name: string;
  runCode(request: RunCodeRequest, options?: RunOptions): Promise<RunCodeResponse>;
  close(): Promise<void>;
}

/** SandboxFusion's rule: Error -> SandboxError; timeout or non-zero exit -> Failed; else Success. */
export function overallStatus(run: CommandResult): RunCodeResponse['status'] {
  if (run.status === 'Error') return 'SandboxError';
  if (run.status === 'TimeLimitExceeded' || run.return_code !== 0) return 'Failed';
  return 'Success';
}

export function sandboxError(message: string): RunCodeResponse {
  return { status: 'SandboxError', message, compile_result: null, run_result: null, files: {} };
}

export function encodeFile(content: Uint8Array | string): string {
  return Buffer.from(content).toString('base64');
}

export function decodeFile(base64: string): Buffer {
  return Buffer.from(base64, 'base64');
}
