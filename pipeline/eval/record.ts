import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { blockedAttemptSchema } from '../sandbox/contract.ts';
import { families, variants } from '../score/report.ts';
import { formatJson, writeFileAtomic } from '../store/atomic.ts';
import type { TranscriptMessage } from './transcript.ts';

export const runStatuses = ['answered', 'turn_limit', 'no_prediction', 'sandbox_error'] as const;

export const runRecordSchema = z.strictObject({
  format: z.literal('dare-forge.eval-run/1'),
  task: z.string(),
  family: z.enum(families),
  variant: z.enum(variants),
  repeat: z.int().min(1),
  model: z.string(),
  /** null when the task cannot be scored (an IF task without its reference output). */
  score: z.number().nullable(),
  reward: z.number().nullable(),
  /** The scorer's reason code for a 0 or a partial score (missing_prediction, ...), or null. */
  score_reason: z.string().nullable(),
  turns: z.int().min(0),
  tool_calls: z.int().min(0),
  tool_errors: z.int().min(0),
  tokens_in: z.int().min(0),
  tokens_out: z.int().min(0),
  cost_usd: z.number().min(0),
  /** Wall-clock seconds of the run: the one field that differs between identical runs. */
  wall_s: z.number().min(0),
  status: z.enum(runStatuses),
  blocked_attempts: z.array(blockedAttemptSchema),
  no_data: z.boolean(),
  /**
   * sha256 of what the run depended on besides the model: the question, the files given, the
   * turn and tool limits. A record whose settings differ is stale and runs again.
   */
  settings_sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export type RunRecord = z.infer<typeof runRecordSchema>;
export type RunStatus = RunRecord['status'];

export interface RunKey {
  task: string;
  variant: 'v1' | 'v2';
  repeat: number;
}

export function runName(key: RunKey): string {
  return `${key.task}.${key.variant}.r${key.repeat}`;
}

/** The record of a finished run, or undefined when it is missing or unreadable (then it runs again). */
export async function readRunRecord(runsDir: string, key: RunKey): Promise<RunRecord | undefined> {
  try {
    const parsed = runRecordSchema.safeParse(
      JSON.parse(await readFile(join(runsDir, `${runName(key)}.json`), 'utf8')),
    );
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Every readable run record in the folder, sorted by file name. */
export async function readRunRecords(runsDir: string): Promise<RunRecord[]> {
  const names = await readdir(runsDir).catch(() => []);
  const records: RunRecord[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    try {
      const parsed = runRecordSchema.safeParse(JSON.parse(await readFile(join(runsDir, name), 'utf8')));
      if (parsed.success) records.push(parsed.data);
    } catch {
      // a torn or foreign file: not a record
    }
  }
  return records;
}

/**
 * The trajectory first (a first line with the tools, then one line per message), then the
 * record: a record on disk means the run is complete, so a kill in between reruns it.
 */
export async function writeRun(
  runsDir: string,
  record: RunRecord,
  tools: readonly unknown[],
  messages: readonly TranscriptMessage[],
): Promise<void> {
  const lines = [JSON.stringify({ tools }), ...messages.map((message) => JSON.stringify(message))];
  const name = runName(record);
  await writeFileAtomic(join(runsDir, `${name}.trajectory.jsonl`), `${lines.join('\n')}\n`);
  await writeFileAtomic(join(runsDir, `${name}.json`), formatJson(runRecordSchema.parse(record)));
}
