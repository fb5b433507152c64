import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentPolicy } from '../../pipeline/agents/policy.ts';
import { lazyPolicy } from '../../pipeline/agents/scripted/lazy.ts';
import { referencePolicy } from '../../pipeline/agents/scripted/reference.ts';
import { startAgentServer } from '../../pipeline/agents/server.ts';
import { createEvalModel, parseModelSpec } from '../../pipeline/eval/model/create.ts';
import { readEvalTasks } from '../../pipeline/eval/tasks.ts';
import { Logger } from '../../pipeline/logger.ts';
import type { Executor } from '../../pipeline/sandbox/contract.ts';
import { runTrajectories } from '../../pipeline/trajectories/index.ts';
import { strategies } from '../../pipeline/trajectories/select.ts';
import { defaultReadLimits } from '../../pipeline/util/inside.ts';
import { startExecutor, testConfig } from '../eval/support.ts';
import { testPoolYaml } from '../sandbox/support.ts';
import { testdir } from '../support/testdir.ts';
import { ANSCOMBE, AVOCADO, questionIndex, readLines, trainRelease } from './support.ts';

const run = promisify(execFile);
let built: Awaited<ReturnType<typeof trainRelease>>;
let executor: Executor;

beforeAll(async () => {
  built = await trainRelease();
  executor = await startExecutor();
}, 240_000);
afterAll(async () => {
  await executor?.close();
  await built?.cleanup();
});

/**
 * A known mix over 4 samples: Avocado v1 always the reference agent (4 valid, not diverse);
 * Anscombe v1 lazy on its first draw, then the reference (3 valid, diverse: both 0 and 1);
 * every v2 lazy (no prediction: 0 valid, variance 0, not diverse).
 */
async function knownMix(split: string): Promise<AgentPolicy> {
  const index = await questionIndex(split);
  const reference = referencePolicy(split);
  const lazy = lazyPolicy(split);
  const draws = new Map<string, number>();
  return (input) => {
    const where = index.get(input.question);
    if (input.toolResults.length === 0) draws.set(input.question, (draws.get(input.question) ?? 0) + 1);
    const draw = draws.get(input.question) ?? 1;
    if (where?.variant === 'v1' && where.task === AVOCADO) return reference(input);
    if (where?.variant === 'v1' && where.task === ANSCOMBE && draw > 1) return reference(input);
    return lazy(input);
  };
}

interface SampleOptions {
  yaml?: string;
  maxCostUsd?: number;
  variants?: ('v1' | 'v2')[];
  samples?: number;
}

async function sample(outDir: string, policy: AgentPolicy, options: SampleOptions = {}) {
  const server = await startAgentServer({ policy, protocol: 'chat' });
  const config = testConfig(options.yaml);
  const tool = { timeoutS: 30, maxFileSizeMb: 200, maxTurns: 5 };
  try {
    const created = await createEvalModel({
      spec: parseModelSpec('openai-compatible:test-model'),
      config,
      tool,
      baseUrl: server.baseUrl,
      releaseDir: built.split,
      cacheRoot: outDir,
      logger: new Logger('error'),
      env: { OPENAI_API_KEY: 'sk-test-key' },
    });
    const result = await runTrajectories({
      release: built.split,
      outDir,
      tasks: await readEvalTasks(built.split, defaultReadLimits()),
      variants: options.variants ?? ['v1', 'v2'],
      samples: options.samples ?? 4,
      strategies: [...strategies],
      tool,
      sampling: { temperature: 1, max_tokens: 4096 },
      model: created.model,
      executor,
      turns: 5,
      toolTimeoutS: 30,
      memoryLimitMb: config.verify.limits.memory_limit_mb,
      maxFileBytes: 200 * 1024 ** 2,
      limits: defaultReadLimits(),
      concurrency: 1,
      ...(options.maxCostUsd === undefined ? {} : { maxCostUsd: options.maxCostUsd }),
    });
    await created.close();
    return { result, requests: server.requests.length };
  } finally {
    await server.close();
  }
}

describe('trajectories by rejection sampling', { timeout: 300_000 }, () => {
  it('selects FV/AV/BV/DV exactly, exports the TRL chat shape and a matching card, and reruns byte-identically without a model call', async () => {
    const outDir = await testdir();
    const policy = await knownMix(built.split);
    const first = await sample(outDir, policy);
    expect(first.result.stats).toEqual({
      taskVariants: 4,
      solvedTaskVariants: 2,
      diverseTaskVariants: 1,
      traces: 16,
      validTraces: 7,
      counts: { FV: 2, AV: 7, BV: 2, DV: 3 },
    });
    const fv = await readLines(join(outDir, 'FV.jsonl'));
    expect(fv.map((l) => [l.task, l.variant, l.sample, l.score])).toEqual([
      [AVOCADO, 'v1', 1, 1],
      [ANSCOMBE, 'v1', 2, 1],
    ]);
    const av = await readLines(join(outDir, 'AV.jsonl'));
    expect(av.map((l) => `${l.task}:${l.sample}`)).toEqual([
      `${AVOCADO}:1`,
      `${AVOCADO}:2`,
      `${AVOCADO}:3`,
      `${AVOCADO}:4`,
      `${ANSCOMBE}:2`,
      `${ANSCOMBE}:3`,
      `${ANSCOMBE}:4`,
    ]);
    const dv = await readLines(join(outDir, 'DV.jsonl'));
    expect(dv.map((l) => [l.task, l.sample])).toEqual([
      [ANSCOMBE, 2],
      [ANSCOMBE, 3],
      [ANSCOMBE, 4],
    ]);
    const bv = await readLines(join(outDir, 'BV.jsonl'));
    expect(bv.map((l) => [l.task, l.sample])).toEqual([
      [AVOCADO, 1],
      [ANSCOMBE, 2],
    ]);
    // The trace itself: the question, a python_executor call with its result, the answer.
    const trace = fv[0];
    expect(trace?.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    const assistant = trace?.messages[1];
    const tool = trace?.messages[2];
    if (assistant?.role !== 'assistant' || tool?.role !== 'tool') throw new Error('unexpected roles');
    expect(assistant.tool_calls?.[0]?.function.name).toBe('python_executor');
    expect(assistant.tool_calls?.[0]?.function.arguments.files_to_save).toEqual(['prediction.csv']);
    expect(tool.tool_call_id).toBe(assistant.tool_calls?.[0]?.id);
    expect(trace?.tools[0]?.function.parameters.required).toEqual(['code', 'files_to_load', 'files_to_save']);
    // The card states the model, the sampling settings, the counts and the solved share.
    const card = await readFile(join(outDir, 'README.md'), 'utf8');
    const manifest = JSON.parse(await readFile(join(built.split, '..', 'manifest.json'), 'utf8'));
    const licenses = [...new Set(manifest.tasks.map((t: { license: string }) => t.license))].sort();
    expect(licenses.length).toBeGreaterThan(0);
    expect(
      card.startsWith(
        licenses.length === 1 ? `---\nlicense: ${JSON.stringify(licenses[0])}\n` : '---\nlicense: other\n',
      ),
    ).toBe(true);
    for (const license of licenses) expect(card).toContain(String(license));
    expect(card).toContain('task_categories:\n  - text-generation');
    expect(card).toContain('configs:\n  - config_name: FV\n    data_files: FV.jsonl\n  - config_name: AV\n');
    expect(card).toContain('`openai-compatible:test-model`');
    expect(card).toContain('- samples per task variant: 4');
    expect(card).toContain('- temperature: 1');
    expect(card).toContain('- task variants with at least one valid trace: 2 (50.0%)');
    for (const [s, n] of Object.entries(first.result.stats.counts)) expect(card).toContain(`| ${s} | ${n} |`);
    expect(card).not.toMatch(/20\d\d-\d\d-\d\dT/);
    const bytes = await snapshot(outDir);
    // Rerun: every run is recorded, so nothing reaches the model and the bytes are the same.
    const second = await sample(outDir, policy);
    expect(second.requests).toBe(0);
    expect(second.result.skipped).toBe(16);
    expect(await snapshot(outDir)).toEqual(bytes);
    // Resume from the cache alone: records gone, every call replays, no new model call.
    await rm(join(outDir, 'runs'), { recursive: true });
    const third = await sample(outDir, policy);
    expect(third.requests).toBe(0);
    expect(await snapshot(outDir)).toEqual(bytes);
  });

  it('stops at --max-cost-usd without exporting, and a rerun resumes the runs not started', async () => {
    const outDir = await testdir();
    const lazy = lazyPolicy(built.split);
    const yaml = 'llm:\n  prices:\n    test-model: { input_usd_per_mtok: 1000, output_usd_per_mtok: 1000 }\n';
    const capped = await sample(outDir, lazy, { yaml, maxCostUsd: 1e-6, variants: ['v2'], samples: 2 });
    expect(capped.result).toMatchObject({ done: 1, notStarted: 3, files: [] });
    expect(capped.result.spentUsd).toBeGreaterThan(0);
    await expect(readFile(join(outDir, 'README.md'))).rejects.toThrow(/ENOENT/);
    const resumed = await sample(outDir, lazy, { yaml, variants: ['v2'], samples: 2 });
    expect(resumed.result).toMatchObject({ done: 3, skipped: 1, notStarted: 0 });
    // The lazy agent makes two calls per run: only the three runs not started reach it.
    expect(resumed.requests).toBe(6);
    expect(resumed.result.stats.counts).toEqual({ FV: 0, AV: 0, BV: 0, DV: 0 });
    expect(await readFile(join(outDir, 'FV.jsonl'), 'utf8')).toBe('');
    expect(await readFile(join(outDir, 'README.md'), 'utf8')).toContain(
      '- task variants with at least one valid trace: 0 (0.0%)',
    );
  });

  it('runs as dare-forge trajectories with scripted:mixed and --strategy', async () => {
    const outDir = await testdir();
    const config = join(outDir, 'c.yaml');
    await writeFile(config, `${testPoolYaml}llm:\n  temperature: 1\n`);
    const args = ['bin/dare-forge.js', 'trajectories', '--release', built.split, '--model', 'scripted:mixed'];
    const rest = ['--samples', '3', '--variant', 'v1', '--strategy', 'dv,FV', '--concurrency', '1'];
    const { stdout } = await run(process.execPath, [
      ...args,
      ...rest,
      '--out',
      join(outDir, 't'),
      '-c',
      config,
    ]);
    // Draws 1 and 3 are the reference (valid), draw 2 lazy: both IF tasks are diverse.
    expect(stdout).toContain(
      '6 trace(s) of 2 task variant(s), 4 valid; 2 task variant(s) with a valid trace, 2 diverse; FV 2, DV 4',
    );
    const dv = await readLines(join(outDir, 't', 'DV.jsonl'));
    expect(dv.map((l) => l.sample)).toEqual([1, 3, 1, 3]);
    await expect(readFile(join(outDir, 't', 'AV.jsonl'))).rejects.toThrow(/ENOENT/);
    // The sampling settings on the card come from the config (llm.temperature).
    const card = await readFile(join(outDir, 't', 'README.md'), 'utf8');
    expect(card).toContain('- temperature: 1\n');
    expect(card).toContain('- samples per task variant: 3\n');
    expect(card).toContain('| DV | 4 |');
    const bad = await run(process.execPath, [...args, '--strategy', 'XV']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(bad).toMatchObject({ code: 2 });
    expect((bad as { stderr: string }).stderr).toContain('unknown strategy XV; use some of FV,AV,BV,DV');
    const dry = await run(process.execPath, [
      ...args,
      ...rest,
      '--dry-run',
      '--out',
      join(outDir, 'd'),
      '-c',
      config,
    ]);
    expect(dry.stdout).toMatch(
      /^trajectories dry run: 6 trace\(s\) of 2 task\(s\), at most 30 model call\(s\)/,
    );
    await expect(readFile(join(outDir, 'd', 'FV.jsonl'))).rejects.toThrow(/ENOENT/);
    const help = await run(process.execPath, ['bin/dare-forge.js', 'trajectories', '--help']);
    expect(help.stdout).toContain('$ dare-forge trajectories --release splits/1.0.0/train');
  });
});

async function snapshot(outDir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of ['FV.jsonl', 'AV.jsonl', 'BV.jsonl', 'DV.jsonl', 'README.md']) {
    out[name] = await readFile(join(outDir, name), 'utf8');
  }
  return out;
}
