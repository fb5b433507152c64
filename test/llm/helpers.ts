import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { type ConfigInput, configSchema } from '../../pipeline/config/schema.ts';
import { createLlmClient } from '../../pipeline/llm/create.ts';
import type { CompleteRequest } from '../../pipeline/llm/types.ts';
import { Logger } from '../../pipeline/logger.ts';

export const OPENAI_KEY = 'sk-test-0123456789abcdef';
export const ANTHROPIC_KEY = 'sk-ant-test-0123456789abcdef';

export const answerSchema = z.object({
  target: z.string(),
  task: z.enum(['classification', 'regression']),
  features: z.array(z.string()).min(1),
});

export const goodAnswer = { target: 'price', task: 'regression', features: ['rooms', 'area'] };

export function requestFor(dataset: string, extra = ''): CompleteRequest<z.infer<typeof answerSchema>> {
  return {
    template: 'draft-task',
    templateVersion: '1',
    messages: [
      { role: 'system', content: 'You design data-science tasks. Answer with JSON only.' },
      { role: 'user', content: `Dataset ${dataset}: columns rooms, area, price.${extra}` },
    ],
    schemaName: 'task_draft',
    schema: answerSchema,
    labels: { stage: 'draft', dataset },
  };
}

export interface TestClient {
  client: ReturnType<typeof createLlmClient>;
  dir: string;
  delays: number[];
  log: string[];
  /** Another client over the same folder: a rerun after a restart. */
  again(): ReturnType<typeof createLlmClient>;
  cacheFiles(): Promise<string[]>;
  readAll(sub: string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function makeClient(
  provider: 'openai' | 'anthropic',
  baseURL: string,
  llm: NonNullable<ConfigInput['llm']> = {},
  env: Record<string, string> = { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY },
  now: () => number = Date.now,
): Promise<TestClient> {
  const dir = await mkdtemp(join(tmpdir(), 'dare-llm-'));
  const url = provider === 'openai' ? `${baseURL}/v1` : baseURL;
  const config = configSchema.parse({
    paths: { processed: dir },
    draft: { provider },
    llm: { ...llm, [provider]: { ...llm[provider], base_url: url } },
  });
  const delays: number[] = [];
  const log: string[] = [];
  const logger = new Logger('debug', { write: (line) => log.push(line) });
  const make = () =>
    createLlmClient({
      config,
      paths: { processed: dir },
      logger,
      env,
      retry: {
        sleep: async (ms) => {
          delays.push(ms);
        },
        random: () => 0.5,
        now,
      },
    });
  return {
    client: make(),
    dir,
    delays,
    log,
    again: make,
    cacheFiles: async () => (await readdir(join(dir, '_llm_cache')).catch(() => [])).sort(),
    readAll: async (sub) => {
      const names = await readdir(join(dir, sub)).catch(() => []);
      const texts = await Promise.all(names.map((name) => readFile(join(dir, sub, name), 'utf8')));
      return texts.join('\n');
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
