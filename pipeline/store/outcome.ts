import { z } from 'zod';

/** How one dataset ended one stage. Rejections are normal outcomes; errors are retried next run. */
export const outcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ok'), detail: z.string().optional() }),
  z.object({ status: z.literal('rejected'), reason: z.string(), detail: z.string() }),
  z.object({ status: z.literal('error'), reason: z.string(), detail: z.string() }),
]);
export type Outcome = z.infer<typeof outcomeSchema>;

export const ok = (detail?: string): Outcome => (detail ? { status: 'ok', detail } : { status: 'ok' });
export const rejected = (reason: string, detail: string): Outcome => ({ status: 'rejected', reason, detail });
export const failed = (reason: string, detail: string): Outcome => ({ status: 'error', reason, detail });

export const statusRecordSchema = z.object({
  stage: z.string(),
  dataset: z.string(),
  inputs_hash: z.string(),
  code_version: z.string(),
  outcome: outcomeSchema,
  started_at: z.string(),
  duration_ms: z.number(),
  artifacts: z.array(z.string()).default([]),
});
export type StatusRecord = z.infer<typeof statusRecordSchema>;
