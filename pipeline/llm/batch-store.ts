import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from '../store/atomic.ts';

const batchRecordSchema = z.strictObject({
  provider: z.enum(['openai', 'anthropic']),
  model: z.string(),
  batch_id: z.string().min(1),
  status: z.enum(['submitted', 'ended', 'failed']),
  /** What was asked, so results can be cached even if a later run asks for a different set. */
  requests: z.array(
    z.strictObject({ request_hash: z.string(), template: z.string(), template_version: z.string() }),
  ),
  failures: z.array(z.strictObject({ request_hash: z.string(), error: z.string() })),
  detail: z.string().optional(),
});

export type BatchRecord = z.infer<typeof batchRecordSchema>;

/**
 * Written before a batch is submitted and removed once its record is saved: one left behind
 * means the run stopped in between, and the next run looks for the batch before resubmitting.
 */
const submissionSchema = z.strictObject({
  provider: z.enum(['openai', 'anthropic']),
  model: z.string(),
  submission: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  since: z.number(),
  requests: batchRecordSchema.shape.requests,
});

export type Submission = z.infer<typeof submissionSchema>;

/** File-name prefix of submissions; batch records are named <provider>-<batch id>.json. */
const SUBMITTING = 'submitting-';

/** processed/_llm_batches: one file per submitted batch, so a restart polls instead of resubmitting. */
export class BatchStore {
  readonly dir: string;

  constructor(processedDir: string) {
    this.dir = join(processedDir, '_llm_batches');
  }

  #submissionFile(submission: Pick<Submission, 'provider' | 'submission'>): string {
    return join(this.dir, `${SUBMITTING}${submission.provider}-${submission.submission}.json`);
  }

  async saveSubmission(submission: Submission): Promise<void> {
    await writeJsonAtomic(this.#submissionFile(submission), submissionSchema.parse(submission));
  }

  async removeSubmission(submission: Submission): Promise<void> {
    await rm(this.#submissionFile(submission), { force: true });
  }

  /** Submissions a stopped run left behind, in file-name order. */
  async submissions(onUnreadable: (file: string, reason: string) => void): Promise<Submission[]> {
    return readRecords(this.dir, (name) => name.startsWith(SUBMITTING), submissionSchema, onUnreadable);
  }

  fileOf(record: Pick<BatchRecord, 'provider' | 'batch_id'>): string {
    // Batch ids come from the server: keep only safe characters in the file name.
    return join(this.dir, `${record.provider}-${record.batch_id.replace(/[^A-Za-z0-9_-]/g, '_')}.json`);
  }

  async save(record: BatchRecord): Promise<void> {
    await writeJsonAtomic(this.fileOf(record), record);
  }

  /** Every readable record, in file-name order; unreadable files are reported, not fatal. */
  async list(onUnreadable: (file: string, reason: string) => void): Promise<BatchRecord[]> {
    return readRecords(this.dir, (name) => !name.startsWith(SUBMITTING), batchRecordSchema, onUnreadable);
  }
}

async function readRecords<T>(
  dir: string,
  wanted: (name: string) => boolean,
  schema: z.ZodType<T>,
  onUnreadable: (file: string, reason: string) => void,
): Promise<T[]> {
  let names: string[];
  try {
    names = (await readdir(dir))
      .filter((name) => name.endsWith('.json') && !name.startsWith('.') && wanted(name))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const records: T[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      records.push(schema.parse(JSON.parse(await readFile(file, 'utf8'))));
    } catch (error) {
      onUnreadable(file, error instanceof Error ? error.message : String(error));
    }
  }
  return records;
}
