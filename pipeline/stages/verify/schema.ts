import { z } from 'zod';

/**
 * verdict.json: what verification concluded for each task of a dataset, and why. A task is
 * released only when `status` is `passed`.
 */
export const checkSchema = z.object({
  /** determinism, prediction_shape, range_filter, discrimination, learnable, leak, ts_baselines, ... */
  name: z.string(),
  status: z.enum(['pass', 'fail', 'flag', 'skip']),
  detail: z.string(),
  /** Numbers the check measured (scores, counts), for the audit report. */
  metrics: z.record(z.string(), z.number()).default({}),
});
export type Check = z.infer<typeof checkSchema>;

export const environmentSchema = z.looseObject({
  python: z.string(),
  numpy: z.string().optional(),
  pandas: z.string().optional(),
  sklearn: z.string().optional(),
  scipy: z.string().optional(),
  blas: z.string().optional(),
  platform: z.string().optional(),
});

export const taskVerdictSchema = z.object({
  task: z.string(),
  family: z.enum(['class', 'reg', 'ts']),
  /** passed: release it; rejected: a check failed; env_missing_*: this machine cannot tell. */
  status: z.enum(['passed', 'rejected', 'env_missing_pyarrow']),
  /** Stable reason codes of the failed checks (empty when passed). */
  reasons: z.array(z.string()),
  /** Codes of checks that flagged without rejecting (e.g. leak_suspected, weak_discrimination). */
  flags: z.array(z.string()),
  checks: z.array(checkSchema),
  /** sha256 of the reference prediction file written to verify/ (IF tasks). */
  reference_sha256: z.string().nullable(),
  /**
   * Digest of the task folder as verified (every file but our reference predictions): release
   * ships the task only while the folder still has it. Absent in verdicts of older versions.
   */
  folder_sha256: z.string().optional(),
});
export type TaskVerdict = z.infer<typeof taskVerdictSchema>;

export const verdictSchema = z.object({
  dataset: z.string(),
  environment: environmentSchema,
  tasks: z.array(taskVerdictSchema),
});
export type Verdict = z.infer<typeof verdictSchema>;
