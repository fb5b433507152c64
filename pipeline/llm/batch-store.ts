import { readdir, readFile } from 'node:fs/promises';
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

/** processed/_llm_batches: one file per submitted batch, so a restart polls instead of resubmitting. */
export class BatchStore {
  readonly dir: string;

  constructor(processedDir: string) {
    this.dir = join(processedDir, '_llm_batches');
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
    let names: string[];
    try {
      names = (await readdir(this.dir))
        .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
        .sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const records: BatchRecord[] = [];
    for (const name of names) {
      const file = join(this.dir, name);
      try {
        records.push(batchRecordSchema.parse(JSON.parse(await readFile(file, 'utf8'))));
      } catch (error) {
        onUnreadable(file, error instanceof Error ? error.message : String(error));
      }
    }
    return records;
  }
}
