import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { AgentPolicy, PythonExecutorCall } from '../../pipeline/agents/policy.ts';
import { type AgentProtocol, type AgentServer, startAgentServer } from '../../pipeline/agents/server.ts';
import { parseConfigText } from '../../pipeline/config/load.ts';
import type { Config } from '../../pipeline/config/schema.ts';
import { type EvalOptions, planRuns, runEval } from '../../pipeline/eval/index.ts';
import { createEvalModel, parseModelSpec } from '../../pipeline/eval/model/create.ts';
import { readEvalTasks, selectTasks } from '../../pipeline/eval/tasks.ts';
import { asDatasetId } from '../../pipeline/ids.ts';
import { Logger } from '../../pipeline/logger.ts';
import type { Executor } from '../../pipeline/sandbox/contract.ts';
import { createLocalExecutor } from '../../pipeline/sandbox/index.ts';
import { release } from '../../pipeline/stages/release/index.ts';
import { defaultReadLimits } from '../../pipeline/util/inside.ts';
import { testPoolYaml } from '../sandbox/support.ts';
import { testContext, testdir } from '../support/testdir.ts';

export const published = join(process.cwd(), '../shared/fixtures/dare-eval');
export const ANSCOMBE = 'carlmcbrideellis_data-anscombes-quartet';
export const ANSCOMBE_TASK = `${ANSCOMBE}_reg`;

/** A release of one tiny fixture dataset (Anscombe's quartet, a regression task) in its eval split. */
export async function buildSmallRelease(root: string): Promise<string> {
  const ctx = testContext(root, `release:\n  eval_pinned: [${ANSCOMBE}]\n`);
  const { dir } = await release(ctx, {
    extra: { corpus: published, version: '1.0.0' },
    only: [asDatasetId(ANSCOMBE)],
  });
  await ctx.close();
  return join(dir, 'eval');
}

export interface SmallReleaseFixture {
  readonly releaseDir: string;
  readonly executor: Executor;
}

/**
 * One small release and one sandbox executor shared by a test file: built before its tests, the
 * executor closed and the folder removed after them. Read the fields inside tests, not at load.
 */
export function useSmallRelease(): SmallReleaseFixture {
  let root = '';
  let releaseDir = '';
  let executor: Executor | undefined;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'dare-forge-eval-test-'));
    releaseDir = await buildSmallRelease(root);
    executor = await startExecutor();
  });
  afterAll(async () => {
    await executor?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });
  return {
    get releaseDir() {
      return releaseDir;
    },
    get executor() {
      if (!executor) throw new Error('useSmallRelease: the executor is read before beforeAll ran');
      return executor;
    },
  };
}

/** The calibrate command line of the calibration tests: the reference and the lazy agent, one repeat. */
export function calibrateArgs(release: string, config: string): string[] {
  return [
    'calibrate',
    '--release',
    release,
    '--models',
    'scripted:reference,scripted:lazy',
    '--repeats',
    '1',
    '-c',
    config,
  ];
}

export function testConfig(yaml = ''): Config {
  const result = parseConfigText(`${testPoolYaml}${yaml}`);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
}

export function startExecutor(): Promise<Executor> {
  return createLocalExecutor(testConfig().verify);
}

/** A tool call of the published shape. */
export function call(
  code: string,
  files_to_load: string[] = [],
  files_to_save: string[] = [],
): PythonExecutorCall {
  return { code, files_to_load, files_to_save };
}

/** A policy that plays `steps` in order (one per turn), then answers `final`. */
export function scriptedSteps(steps: PythonExecutorCall[], final = 'done'): AgentPolicy {
  return (input) => {
    const step = steps[input.toolResults.length];
    return step ? { kind: 'tool_call', call: step } : { kind: 'answer', text: final };
  };
}

/** The published reference output of the Anscombe v1 task, as prediction.csv text. */
export function referencePrediction(): Promise<string> {
  return readFile(join(published, 'databases', ANSCOMBE_TASK, 'verify', 'simulated_pred_local.csv'), 'utf8');
}

export interface EvalHarness {
  server: AgentServer;
  result: Awaited<ReturnType<typeof runEval>>;
  outDir: string;
}

/** Runs `eval` in-process against a loopback agent speaking `protocol`, through the real SDKs. */
export async function evalWith(options: {
  release: string;
  executor: Executor;
  policy: AgentPolicy;
  protocol: AgentProtocol;
  variants?: ('v1' | 'v2')[];
  repeats?: number;
  turns?: number;
  toolTimeoutS?: number;
  noData?: boolean;
  maxCostUsd?: number;
  config?: Config;
  outDir?: string;
  extra?: Partial<EvalOptions>;
}): Promise<EvalHarness> {
  const server = await startAgentServer({ policy: options.policy, protocol: options.protocol });
  const provider = { chat: 'openai-compatible', responses: 'openai-responses', anthropic: 'anthropic' }[
    options.protocol
  ];
  const outDir = options.outDir ?? (await testdir());
  const config = options.config ?? testConfig();
  const turns = options.turns ?? 5;
  const toolTimeoutS = options.toolTimeoutS ?? 30;
  try {
    const created = await createEvalModel({
      spec: parseModelSpec(`${provider}:test-model`),
      config,
      tool: { timeoutS: toolTimeoutS, maxFileSizeMb: 200, maxTurns: turns },
      baseUrl: server.baseUrl,
      releaseDir: options.release,
      cacheRoot: outDir,
      logger: new Logger('error'),
      env: { OPENAI_API_KEY: 'sk-test-key', ANTHROPIC_API_KEY: 'sk-ant-test-key' },
    });
    const tasks = selectTasks(await readEvalTasks(options.release, defaultReadLimits()), undefined);
    const result = await runEval({
      release: options.release,
      outDir,
      runs: planRuns(tasks, options.variants ?? ['v1'], options.repeats ?? 1),
      model: created.model,
      executor: options.executor,
      turns,
      toolTimeoutS,
      memoryLimitMb: config.verify.limits.memory_limit_mb,
      maxFileBytes: 200 * 1024 ** 2,
      limits: defaultReadLimits(),
      noData: options.noData ?? false,
      concurrency: 1,
      ...(options.maxCostUsd !== undefined ? { maxCostUsd: options.maxCostUsd } : {}),
      ...options.extra,
    });
    return { server, result, outDir };
  } finally {
    await server.close();
  }
}

/** The trajectory lines of one run. */
export async function trajectory(outDir: string, name: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(outDir, 'runs', `${name}.trajectory.jsonl`), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
