import { execFile, spawn } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run as draft } from '../../pipeline/stages/draft/index.ts';
import { type PolicyServer, startPolicyServer } from './servers.ts';
import { avocado, OPENAI_KEY, type Profiled, profiledRoot, providerYaml, scenario } from './support.ts';

const run = promisify(execFile);
const repo = new URL('../../', import.meta.url).pathname;

let profiled: Profiled;
let server: PolicyServer;
beforeAll(async () => {
  profiled = await profiledRoot();
  server = await startPolicyServer('openai', {});
});
afterAll(async () => {
  await server?.close();
  await profiled?.dispose();
});

function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENAI_API_KEY: OPENAI_KEY, CI: '1' };
  delete env.OPENAI_BASE_URL;
  return env;
}

/** `dare-forge draft --config <file>` as a user runs it: key in the environment, URL in config. */
async function draftCli(config: string, ...flags: string[]) {
  const result = await run('node', ['bin/dare-forge.js', 'draft', '--config', config, ...flags], {
    cwd: repo,
    env: cliEnv(),
  });
  return `${result.stdout}\n${result.stderr}`;
}

async function writeConfig(name: string, processed: string, llmYaml: string): Promise<string> {
  const config = join(profiled.root, `${name}.yaml`);
  const paths = `paths:\n  raw: ${join(profiled.root, 'raw')}\n  processed: ${processed}\n  splits: ${join(profiled.root, 'splits')}\n`;
  await writeFile(config, `${paths}${llmYaml}\n`);
  return config;
}

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 600; tries++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

it('drafts with provider openai through the CLI against a loopback server, with the key from the environment', async () => {
  const processed = await profiled.processedCopy('cli');
  const config = await writeConfig('cli', processed, providerYaml(server));

  const output = await draftCli(config);
  expect(server.calls()).toBe(12);
  expect(output).not.toContain(OPENAI_KEY);
  const s = scenario(profiled.root, processed, providerYaml(server));
  try {
    expect(await s.draft(avocado)).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini',
      families: { classification: { status: 'ok', decision: { target: ['ripeness'] } } },
    });
  } finally {
    await s.ctx.close();
  }
  // Reruns (plain and --force) replaying the cache are counted at the server in providers.test.ts.
});

/** `dare-forge draft` in its own process, to be killed mid-run; `exited` resolves to the signal. */
function spawnDraft(config: string) {
  const child = spawn('node', ['bin/dare-forge.js', 'draft', '--config', config], {
    cwd: repo,
    env: cliEnv(),
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  return { child, exited };
}

it('resumes a batch after the CLI process is killed between submit and results', async () => {
  const batchServer = await startPolicyServer('openai', {}, { pollsBeforeDone: 1 });
  const processed = await profiled.processedCopy('cli-batch');
  // The first process polls once (still running), then would wait a minute: it is killed.
  const slow = '  batch:\n    enabled: true\n    poll_interval_ms: 60000';
  const config = await writeConfig('cli-batch', processed, providerYaml(batchServer, slow));
  const { child, exited } = spawnDraft(config);
  const batches = join(processed, '_llm_batches');
  try {
    // A finished record (not the temp file of its atomic write) means the submit is on disk.
    const records = async () =>
      (await readdir(batches).catch(() => [])).filter((name) => /^(?!submitting-)[^.].*\.json$/.test(name));
    await waitFor('the batch record', async () => (await records()).length === 1);
    expect(batchServer.submissions()).toBe(1);
  } finally {
    child.kill('SIGKILL');
  }
  expect(await exited).toBe('SIGKILL');

  // A new process (here in-process, with a new client) resumes polling the recorded batch.
  const s = scenario(profiled.root, processed, providerYaml(batchServer, slow.replace('60000', '1')));
  try {
    const summary = await draft({ ...s.ctx, llm: async () => s.client() });
    expect(summary).toMatchObject({ processed: 4, ok: 4, errors: {} });
    expect(s.log.join('\n')).toContain('0 submitted, 1 batch(es) resumed, 12 answered');
    expect([batchServer.submissions(), batchServer.calls()]).toEqual([1, 0]);
  } finally {
    await s.ctx.close();
    await batchServer.close();
  }
});

it('after a kill between the provider accepting a batch and its record, the rerun polls that batch', async () => {
  // The server creates the batch but holds its answer: the process dies without hearing it.
  const batchServer = await startPolicyServer('openai', {}, { pollsBeforeDone: 1, holdFirstMs: 60_000 });
  const processed = await profiled.processedCopy('cli-batch-lost');
  const config = await writeConfig(
    'cli-batch-lost',
    processed,
    providerYaml(batchServer, '  batch:\n    enabled: true'),
  );
  const { child, exited } = spawnDraft(config);
  const batches = join(processed, '_llm_batches');
  try {
    await waitFor('the batch submission', async () => batchServer.submissions() === 1);
    const names = await readdir(batches);
    expect(names.filter((name) => name.startsWith('submitting-'))).toHaveLength(1);
    expect(names.filter((name) => !name.startsWith('submitting-') && !name.startsWith('.'))).toEqual([]);
  } finally {
    child.kill('SIGKILL');
  }
  expect(await exited).toBe('SIGKILL');

  const s = scenario(
    profiled.root,
    processed,
    providerYaml(batchServer, '  batch:\n    enabled: true\n    poll_interval_ms: 1'),
  );
  try {
    const summary = await draft({ ...s.ctx, llm: async () => s.client() });
    expect(summary).toMatchObject({ processed: 4, ok: 4, errors: {} });
    expect(s.log.join('\n')).toMatch(/found batch batch_1 that a stopped run submitted/);
    expect([batchServer.submissions(), batchServer.calls()]).toEqual([1, 0]);
    expect((await readdir(batches)).filter((name) => name.startsWith('submitting-'))).toEqual([]);
  } finally {
    await s.ctx.close();
    await batchServer.close();
  }
});
