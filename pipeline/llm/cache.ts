import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from '../store/atomic.ts';
import type { PreparedRequest } from './request.ts';

const cacheEntrySchema = z.strictObject({
  request_hash: z.string().regex(/^[0-9a-f]{64}$/),
  provider: z.string(),
  model: z.string(),
  template: z.string(),
  template_version: z.string(),
  /** The provider's answer as text, before validation: a replay validates it again. */
  text: z.string(),
  usage: z.strictObject({ input_tokens: z.int().min(0), output_tokens: z.int().min(0) }),
  via: z.enum(['sync', 'batch']),
});

export type CacheEntry = z.infer<typeof cacheEntrySchema>;

/**
 * One JSON file per request hash under processed/_llm_cache. Answers are kept whether or not
 * they validate, so a rerun reproduces the same outcome without a provider call.
 */
export class LlmCache {
  readonly dir: string;

  constructor(processedDir: string) {
    this.dir = join(processedDir, '_llm_cache');
  }

  fileOf(hash: string): string {
    return join(this.dir, `${hash}.json`);
  }

  /** The cached answer, or undefined when missing or unreadable (then the call is made again). */
  async get(hash: string): Promise<CacheEntry | undefined> {
    let text: string;
    try {
      text = await readFile(this.fileOf(hash), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const parsed = cacheEntrySchema.safeParse(JSON.parse(text));
      return parsed.success && parsed.data.request_hash === hash ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async put(
    request: Pick<PreparedRequest, 'hash' | 'model' | 'template' | 'templateVersion'> & { provider: string },
    answer: { text: string; usage: CacheEntry['usage'] },
    via: CacheEntry['via'],
  ): Promise<CacheEntry> {
    const entry: CacheEntry = {
      request_hash: request.hash,
      provider: request.provider,
      model: request.model,
      template: request.template,
      template_version: request.templateVersion,
      text: answer.text,
      usage: answer.usage,
      via,
    };
    await writeJsonAtomic(this.fileOf(request.hash), entry);
    return entry;
  }
}
