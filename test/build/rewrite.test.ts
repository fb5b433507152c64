import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../pipeline/config/schema.ts';
import { createContext } from '../../pipeline/context.ts';
import { asDatasetId, type DatasetId } from '../../pipeline/ids.ts';
import { createLlmClient } from '../../pipeline/llm/create.ts';
import { Logger } from '../../pipeline/logger.ts';
import { run } from '../../pipeline/stages/build/index.ts';
import { sha256File } from '../../pipeline/util/hash.ts';
import { type OpenAiFake, startOpenAiServer } from '../llm/servers/openai-fake.ts';
import { setUpFixtureCorpus } from './fixture-corpus.ts';
import { type Mode, rewriteHandler } from './rewrite-fake.ts';

const ID = asDatasetId('jacopoferretti_lung-capacity-of-kids');
const TASK = `${ID}_reg`;
const CHAT = 'POST /v1/chat/completions';
let root: string;
let server: OpenAiFake;
let mode: Mode = { kind: 'faithful' };

interface Built {
  entry: { question_v1: string; question_v2: string };
  question: { expected_ranges: Record<string, unknown[]>; selected_features: string[]; target: string[] };
  record: { status: string; rewrite?: { variant: string; status: string; lost?: string[] }[] };
  outcome: { status: string; detail?: string };
}

/** Builds the dataset into root/<processed> with build.rewrite on, through the real client. */
async function build(processed: string, options: { cache?: 'read_write' | 'off'; llm?: boolean } = {}) {
  const config = configSchema.parse({
    paths: { raw: join(root, 'raw'), processed: join(root, processed), splits: join(root, 'splits') },
    build: { rewrite: { enabled: true } },
    // Without a client: the offline provider, whose runs have none.
    draft: { provider: options.llm === false ? 'offline' : 'openai' },
    llm: { cache: options.cache ?? 'read_write', openai: { base_url: `${server.url}/v1` } },
  });
  const logger = new Logger('error');
  const ctx = createContext({ config, cwd: root, logger, concurrency: 1 });
  const llm =
    options.llm === false
      ? undefined
      : createLlmClient({ config, paths: ctx.paths, logger, env: { OPENAI_API_KEY: 'sk-test-rewrite' } });
  const summary = await run(llm ? { ...ctx, llm: async () => llm } : ctx, { only: [ID], force: true });
  await ctx.close();
  expect(summary.errors).toEqual({});
  const dir = join(root, processed, ID);
  const read = async (path: string) => JSON.parse(await readFile(join(dir, path), 'utf8'));
  const buildJson = await read('build.json');
  const status = await read('status/build.json').catch(() => null);
  const built: Built = {
    entry: await read(`tasks/${TASK}/question_entry.json`),
    question: (await read(`tasks/${TASK}/verify/all_metadata.json`)).question,
    record: buildJson.tasks.find((t: { task: string }) => t.task === TASK),
    outcome: status?.outcome ?? { status: 'unknown' },
  };
  return built;
}

async function hashTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of (await readdir(dir, { recursive: true })).sort()) {
    out.set(name, await sha256File(join(dir, name)).catch(() => 'dir'));
  }
  return out;
}

let template: Built;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'dare-rewrite-'));
  const ids: DatasetId[] = await setUpFixtureCorpus(root);
  expect(ids).toContain(ID);
  server = await startOpenAiServer();
  server.onChat = rewriteHandler(() => mode);
  for (const processed of ['processed-template', 'processed-a', 'processed-b']) {
    await cp(join(root, 'processed', ID), join(root, processed, ID), { recursive: true });
  }
  template = await build('processed-template', { llm: false });
});

afterAll(async () => {
  await server?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('build.rewrite through a loopback OpenAI server', () => {
  it('keeps the template text and records nothing without an LLM client', () => {
    expect(template.entry.question_v1).toContain('if a value is missing, keep the row');
    expect(template.record.status).toBe('built');
    expect(template.record.rewrite).toBeUndefined();
  });

  it('accepts a faithful rewrite, and a rebuild replays it byte for byte with no provider call', async () => {
    mode = { kind: 'faithful' };
    const before = server.hits(CHAT);
    const built = await build('processed-a');
    expect(server.hits(CHAT) - before).toBe(2);
    expect(built.record.rewrite?.map((r) => [r.variant, r.status])).toEqual([
      ['v1', 'accepted'],
      ['v2', 'accepted'],
    ]);
    expect(built.entry.question_v1).not.toBe(template.entry.question_v1);
    expect(built.entry.question_v1).toContain('Complete the task below without asking any questions.');
    // Bounds were reformatted (3 -> 3.0, 45.0 -> 45) and columns named by their descriptions.
    expect(built.entry.question_v1).toMatch(/from -?\d+\.0 up to/);
    expect(built.entry.question_v1).toContain("the kid's height (`Height`)");
    expect(built.entry.question_v2).toContain('Complete the task below');

    const tree = await hashTree(join(root, 'processed-a', ID, 'tasks'));
    const summary = await sha256File(join(root, 'processed-a', ID, 'build.json'));
    const calls = server.hits(CHAT);
    await build('processed-a');
    expect(server.hits(CHAT)).toBe(calls);
    expect(await hashTree(join(root, 'processed-a', ID, 'tasks'))).toEqual(tree);
    expect(await sha256File(join(root, 'processed-a', ID, 'build.json'))).toBe(summary);
  });

  it('rejects a rewrite that drops the keep-missing rule and keeps the template text', async () => {
    mode = { kind: 'drop_keep_missing' };
    const built = await build('processed-b', { cache: 'off' });
    expect(built.record.rewrite?.[0]).toEqual({
      variant: 'v1',
      status: 'rejected',
      reason: 'rewrite_rejected',
      lost: ['keep-missing rule'],
      request_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(built.record.rewrite?.[1]?.status).toBe('accepted');
    expect(built.entry.question_v1).toBe(template.entry.question_v1);
    expect(built.outcome.detail ?? '').toContain(`${TASK} v1 rewrite_rejected`);
  });

  it('rejects a rewrite that drops a range bound, naming the bound', async () => {
    const [column, range] = Object.entries(template.question.expected_ranges).find(
      ([, values]) => values.length === 2 && values.every((v) => typeof v === 'number'),
    ) ?? ['', []];
    mode = { kind: 'drop_upper_bound', column };
    const built = await build('processed-b', { cache: 'off' });
    expect(built.record.rewrite?.[0]?.lost).toEqual([`range bound ${range[1]} of \`${column}\``]);
    expect(built.entry.question_v1).toBe(template.entry.question_v1);
  });

  it('rejects a rewrite that drops a column (name and description)', async () => {
    const column =
      template.question.selected_features.find((c) => !template.question.target.includes(c)) ?? '';
    mode = { kind: 'drop_column', column };
    const built = await build('processed-b', { cache: 'off' });
    expect(built.record.rewrite?.[0]?.lost).toEqual([`column \`${column}\``]);
    expect(built.entry.question_v1).toBe(template.entry.question_v1);
  });

  it('keeps the template text when the answer does not fit the schema (rewrite_failed)', async () => {
    mode = { kind: 'off_schema' };
    const built = await build('processed-b', { cache: 'off' });
    expect(built.record.rewrite?.map((r) => [r.variant, r.status])).toEqual([
      ['v1', 'failed'],
      ['v2', 'failed'],
    ]);
    expect(built.entry).toEqual(template.entry);
    expect(built.outcome.status).toBe('ok');
  });
});
