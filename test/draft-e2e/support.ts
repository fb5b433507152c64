import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profiledWorkdir } from '../../bench/draft/workdir.ts';
import { parseConfigText } from '../../pipeline/config/load.ts';
import { type Context, createContext } from '../../pipeline/context.ts';
import { type DatasetId, datasetIdFromRef } from '../../pipeline/ids.ts';
import { createLlmClient } from '../../pipeline/llm/create.ts';
import { Logger } from '../../pipeline/logger.ts';
import { type Draft, draftSchema } from '../../pipeline/stages/draft/schema.ts';
import type { PolicyServer } from './servers.ts';

export const OPENAI_KEY = 'sk-e2e-openai-5f1c0ffee0123456789';
export const ANTHROPIC_KEY = 'sk-ant-e2e-5f1c0ffee0123456789';
export const keys = { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY };

/** Four small fixture datasets: every fault of the standard script has a dataset to land on. */
export const refs = [
  'amldvvs/avocado-ripeness-classification-dataset',
  'jacopoferretti/lung-capacity-of-kids',
  'sahideseker/student-performance-estimation',
  'ayushmanyashaswi/car-data-small-dataset-good-for-learning',
] as const;
export const [avocado, lung, student, car] = refs.map((ref) => datasetIdFromRef(ref)) as [
  DatasetId,
  DatasetId,
  DatasetId,
  DatasetId,
];

function contextAt(root: string, processed: string, yaml: string, log: string[] = []): Context {
  const text = `paths:\n  raw: ${join(root, 'raw')}\n  processed: ${processed}\n  splits: ${join(root, 'splits')}\n${yaml}`;
  const parsed = parseConfigText(text);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return createContext({
    config: parsed.config,
    logger: new Logger('info', { write: (line) => log.push(line) }),
  });
}

/** A temp folder with raw/ laid out and a profiled processed/ kept pristine, to copy per scenario. */
export interface Profiled {
  root: string;
  /** A fresh processed folder (a copy of the profiled one), named `name`. */
  processedCopy(name: string): Promise<string>;
  dispose(): Promise<void>;
}

export async function profiledRoot(): Promise<Profiled> {
  const root = await mkdtemp(join(tmpdir(), 'dare-forge-draft-e2e-'));
  const pristine = join(root, 'profiled');
  const ctx = contextAt(root, pristine, '');
  try {
    const { profile } = await profiledWorkdir(ctx, refs);
    if (profile.ok !== refs.length) throw new Error(`profiling failed: ${JSON.stringify(profile.failures)}`);
  } finally {
    await ctx.close();
  }
  return {
    root,
    async processedCopy(name) {
      const target = join(root, name);
      await cp(pristine, target, { recursive: true });
      return target;
    },
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}

/** Config for drafting against a loopback server; `extra` is more YAML under llm:. */
export function providerYaml(server: PolicyServer, extra = ''): string {
  return [
    'draft:',
    `  provider: ${server.provider}`,
    'llm:',
    // Generous: a slow answer on a busy machine must not time out (only the scripted hang does).
    '  timeout_ms: 2000',
    '  concurrency: 2',
    `  ${server.provider}:`,
    `    base_url: ${server.baseUrl}`,
    // A small model keeps the fake answers cheap in the cost figures.
    server.provider === 'anthropic' ? '    model: claude-haiku-4-5' : '',
    extra,
  ].join('\n');
}

export interface Scenario {
  ctx: Context;
  log: string[];
  /** Waits the client asked for between retries (never actually slept). */
  delays: number[];
  /** A new client instance, as after a restart of the process. */
  client(): ReturnType<typeof createLlmClient>;
  draft(id: DatasetId): Promise<Draft>;
}

export function scenario(root: string, processed: string, yaml: string): Scenario {
  const log: string[] = [];
  const ctx = contextAt(root, processed, yaml, log);
  const delays: number[] = [];
  return {
    ctx,
    log,
    delays,
    client: () =>
      createLlmClient({
        config: ctx.config,
        paths: ctx.paths,
        logger: ctx.logger,
        env: keys,
        retry: {
          sleep: async (ms) => {
            delays.push(ms);
          },
          random: () => 0.5,
        },
      }),
    draft: async (id) =>
      draftSchema.parse(JSON.parse(await readFile(join(processed, id, 'draft.json'), 'utf8'))),
  };
}
