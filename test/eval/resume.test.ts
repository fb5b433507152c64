import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentServer, startAgentServer } from '../../pipeline/agents/server.ts';
import { main } from '../../pipeline/cli.ts';
import { testPoolYaml } from '../sandbox/support.ts';
import { ANSCOMBE_TASK, buildSmallRelease, call, referencePrediction, scriptedSteps } from './support.ts';

let root: string;
let releaseDir: string;
let configPath: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'dare-forge-eval-resume-'));
  releaseDir = await buildSmallRelease(root);
  configPath = join(root, 'eval.yaml');
  await writeFile(configPath, testPoolYaml.replace('pool_size: 2', 'pool_size: 1'));
});
afterAll(async () => rm(root, { recursive: true, force: true }));

interface Spawned {
  child: ChildProcess;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function spawnCli(args: string[], env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, ['bin/dare-forge.js', ...args], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exit = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exit };
}

async function cachedAnswers(outDir: string): Promise<number> {
  const names = await readdir(join(outDir, '_llm_cache')).catch(() => [] as string[]);
  return names.filter((name) => name.endsWith('.json') && !name.startsWith('.')).length;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('eval killed with SIGKILL', { timeout: 180_000 }, () => {
  let server: AgentServer | undefined;
  afterAll(async () => server?.close());

  it('resumes without repeating a model call: the cache answers the replayed ones', async () => {
    const expected = await referencePrediction();
    server = await startAgentServer({
      protocol: 'chat',
      policy: scriptedSteps([
        call("print('first')"),
        call("import time\ntime.sleep(3)\nprint('slow')"),
        call(`open('prediction.csv', 'w').write(${JSON.stringify(expected)})`, [], ['prediction.csv']),
      ]),
    });
    const outDir = join(root, 'results');
    const args = [
      'eval',
      '--release',
      releaseDir,
      '--model',
      'openai-compatible:test-model',
      '--base-url',
      server.baseUrl,
      '--variant',
      'v1',
      '--repeats',
      '1',
      '--tool-timeout',
      '30',
      '-c',
      configPath,
      '--out',
      outDir,
    ];
    const first = spawnCli(args);
    // Two answers cached: the process is now inside the 3-second tool call, no request in flight.
    await until(async () => (await cachedAnswers(outDir)) >= 2, 'two cached answers');
    first.child.kill('SIGKILL');
    expect((await first.exit).signal).toBe('SIGKILL');
    expect(server.requests).toHaveLength(2);
    const runs = await readdir(join(outDir, 'runs')).catch(() => [] as string[]);
    expect(runs.filter((name) => name.endsWith('.json'))).toEqual([]);

    const second = await spawnCli(args).exit;
    expect(second.code, second.stderr).toBe(0);
    expect(server.requests).toHaveLength(4);
    const bodies = server.requests.map((request) => JSON.stringify(request.body));
    expect(new Set(bodies).size).toBe(4);
    const record = JSON.parse(await readFile(join(outDir, 'runs', `${ANSCOMBE_TASK}.v1.r1.json`), 'utf8'));
    expect(record).toMatchObject({ status: 'answered', score: 1, reward: 1.1, turns: 4, tool_calls: 3 });
    expect(second.stdout).toMatch(/reg IF\s+1\s+1\.000 ± 0\.000/);

    // A third run finds the record and calls nothing.
    const third = await spawnCli(args).exit;
    expect(third.code).toBe(0);
    expect(third.stderr).toMatch(/1 run\(s\) already recorded/);
    expect(server.requests).toHaveLength(4);
  });

  it('--dry-run estimates tokens and cost, checks the key and calls nothing', async () => {
    server ??= await startAgentServer({ protocol: 'chat', policy: scriptedSteps([]) });
    const before = server.requests.length;
    const base = ['eval', '--release', releaseDir, '--model', 'openai:gpt-4o', '-c', configPath, '--dry-run'];
    const missing = await spawnCli(base).exit;
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/OPENAI_API_KEY is not set/);
    const dry = await spawnCli([...base, '--base-url', server.baseUrl], { OPENAI_API_KEY: 'sk-secret-value' })
      .exit;
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(
      /eval dry run: 6 run\(s\) of 1 task\(s\), at most 30 model call\(s\), ~\d+ input \/ ~\d+ output tokens, cost at most \$\d+\.\d\d; credentials found/,
    );
    expect(`${dry.stdout}${dry.stderr}`).not.toContain('sk-secret-value');
    expect(server.requests.length).toBe(before);
  });

  it('--help shows an example', async () => {
    const help = await spawnCli(['eval', '--help']).exit;
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/\$ dare-forge eval --release splits\/1\.0\.0\/eval --model/);
  });

  it('--max-cost-usd stops cleanly: the runs done are written, the command exits 1 with one line', async () => {
    const cheap = await startAgentServer({ protocol: 'chat', policy: scriptedSteps([]) });
    const priced = join(root, 'priced.yaml');
    await writeFile(
      priced,
      `${testPoolYaml.replace('pool_size: 2', 'pool_size: 1')}llm:\n  prices:\n    test-model: { input_usd_per_mtok: 1000000, output_usd_per_mtok: 0 }\n`,
    );
    const outDir = join(root, 'capped');
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    let code: number;
    try {
      code = await main([
        'eval',
        '--release',
        releaseDir,
        '--model',
        'openai-compatible:test-model',
        '--base-url',
        cheap.baseUrl,
        '--variant',
        'v1',
        '--repeats',
        '3',
        '--concurrency',
        '1',
        '--max-cost-usd',
        '0.5',
        '-c',
        priced,
        '--out',
        outDir,
      ]);
    } finally {
      process.stderr.write = write;
      await cheap.close();
    }
    expect(code).toBe(1);
    expect(lines.join('')).toMatch(
      /stopped at --max-cost-usd 0\.5: spent \$\d+\.\d{4}, 2 run\(s\) not started; rerun with a higher cap to resume\./,
    );
    expect((await readdir(join(outDir, 'runs'))).filter((name) => name.endsWith('.json'))).toHaveLength(1);
    expect(cheap.requests).toHaveLength(1);
  });
});
