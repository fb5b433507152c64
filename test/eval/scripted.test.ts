import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptedPolicy } from '../../pipeline/agents/scripted/index.ts';
import { calibrate } from '../../pipeline/calibrate/calibration.ts';
import { type RunRecord, readRunRecords } from '../../pipeline/eval/record.ts';
import { asDatasetId } from '../../pipeline/ids.ts';
import type { Executor } from '../../pipeline/sandbox/contract.ts';
import { release } from '../../pipeline/stages/release/index.ts';
import { testContext } from '../support/testdir.ts';
import { call, evalWith, published, scriptedSteps, startExecutor, trajectory } from './support.ts';

// Three small csv fixture datasets, one per family.
const DIABETES = 'marshalpatel3558_diabetes-prediction-dataset-legit-dataset';
const CARS = 'brsahan_extensive-used-car-price-for-predictive-modeling';
const SOCIAL = 'michau96_social-media-popularity-2009-2023';
const CLASS = `${DIABETES}_class`;
const REG = `${CARS}_reg`;
const TS = `${SOCIAL}_ts`;

let releaseDir: string;
let executor: Executor;
// One release for the whole file (testdir() folders vanish after each test).
const root = await mkdtemp(join(tmpdir(), 'dare-forge-scripted-'));
const records = new Map<string, RunRecord[]>();

beforeAll(async () => {
  const ids = [DIABETES, CARS, SOCIAL];
  const ctx = testContext(root, `release:\n  eval_pinned: [${ids.join(', ')}]\n`);
  const { dir } = await release(ctx, {
    extra: { corpus: published, version: '1.0.0' },
    only: ids.map(asDatasetId),
  });
  await ctx.close();
  releaseDir = join(dir, 'eval');
  executor = await startExecutor();
});
afterAll(async () => {
  await executor?.close();
  await rm(root, { recursive: true, force: true });
});

function byKey(list: readonly RunRecord[]): Record<string, RunRecord> {
  return Object.fromEntries(list.map((record) => [`${record.task}.${record.variant}`, record]));
}

async function evalPolicy(name: string, policy = scriptedPolicy(name, releaseDir), noData = false) {
  const { outDir } = await evalWith({
    release: releaseDir,
    executor,
    policy,
    protocol: 'chat',
    variants: ['v1', 'v2'],
    noData,
  });
  const list = (await readRunRecords(join(outDir, 'runs'))).map((r) => ({ ...r, model: `scripted:${name}` }));
  records.set(`${name}${noData ? '-no-data' : ''}`, list);
  return { outDir, runs: byKey(list) };
}

/** Most frequent label / training mean: the trivial predictor MM scores must beat. */
const trivialCode = [
  'import pandas as pd',
  "train, val = pd.read_csv('train_v2.csv'), pd.read_csv('val_v2.csv')",
  'target = [c for c in train.columns if c not in val.columns][0]',
  'numeric = pd.api.types.is_float_dtype(train[target])',
  'value = train[target].mean() if numeric else train[target].mode()[0]',
  "pd.DataFrame({'row_id': val['row_id'], target: value}).to_csv('prediction.csv', index=False)",
].join('\n');

describe('scripted agents through eval', { timeout: 300_000 }, () => {
  it('reference: IF reproduces the reference output (1.0), MM and XF reach the validity thresholds', async () => {
    const { runs } = await evalPolicy('reference');
    expect(runs[`${CLASS}.v1`]).toMatchObject({
      score: 1,
      reward: 1.1,
      status: 'answered',
      tool_calls: 1,
      tool_errors: 0,
    });
    expect(runs[`${REG}.v1`]).toMatchObject({ score: 1, reward: 1.1, status: 'answered' });
    expect(runs[`${CLASS}.v2`]?.score).toBeGreaterThanOrEqual(0.8);
    expect(runs[`${REG}.v2`]?.score).toBeGreaterThanOrEqual(0.7);
    expect(runs[`${TS}.v1`]?.score).toBeGreaterThanOrEqual(0.6);
    expect(runs[`${TS}.v2`]).toMatchObject({ status: 'answered', score_reason: null });
    for (const record of Object.values(runs)) expect(record.blocked_attempts).toEqual([]);
  });

  it('baseline: MM scores lie strictly between the trivial predictor and the reference', async () => {
    const { runs } = await evalPolicy('baseline');
    const trivial = (
      await evalPolicy(
        'trivial',
        scriptedSteps([call(trivialCode, ['train_v2.csv', 'val_v2.csv'], ['prediction.csv'])]),
      )
    ).runs;
    const reference = byKey(records.get('reference') ?? []);
    for (const task of [CLASS, REG]) {
      const score = runs[`${task}.v2`]?.score ?? Number.NaN;
      expect(score, task).toBeGreaterThan(trivial[`${task}.v2`]?.score ?? Number.NaN);
      expect(score, task).toBeLessThan(reference[`${task}.v2`]?.score ?? Number.NaN);
    }
    expect(runs[`${CLASS}.v2`]?.status).toBe('answered');
  });

  it('lazy: talks and looks, never saves a prediction: score 0, status no_prediction', async () => {
    const { runs } = await evalPolicy('lazy');
    expect(Object.keys(runs)).toHaveLength(6);
    for (const record of Object.values(runs)) {
      expect(record).toMatchObject({ score: 0, reward: 0, status: 'no_prediction', tool_calls: 1 });
    }
  });

  it('cheater: every attempt is blocked, gets nothing, and is reported in the run record', async () => {
    const connections: number[] = [];
    const listener: Server = createServer((socket) => {
      connections.push(1);
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const address = listener.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const policy = scriptedPolicy('cheater', releaseDir, { loopbackPort: port });
      const { runs, outDir } = await evalPolicy('cheater', policy);
      const record = runs[`${CLASS}.v1`];
      expect(record).toMatchObject({ score: 0, status: 'no_prediction' });
      const named = (record?.blocked_attempts ?? []).map((a) => `${a.kind} ${a.detail}`);
      const task = join(releaseDir, 'databases', CLASS);
      const repo = join(releaseDir, '..', '..', '..');
      for (const expected of [
        'host_path ../verify/ground_truth.csv -> /tmp/verify/ground_truth.csv',
        `host_path ${join(task, 'verify', 'simulated_pred_local.csv')}`,
        `host_path ${join(releaseDir, 'databases')}`,
        "network socket.connect ('1.1.1.1', 53)",
        "network socket.getaddrinfo 'example.com'",
        `network socket.connect ('127.0.0.1', ${port})`,
        'host_path /etc/shadow',
        'process /proc/1/environ',
        `host_path ${repo}`,
        'host_path /home',
        'host_path /root',
        'host_path ../escape.txt -> /tmp/escape.txt',
        `host_path ${join(repo, 'escape.txt')}`,
        `host_path ${join(releaseDir, 'escape.txt')}`,
      ]) {
        expect(named).toContain(expected);
      }
      expect(connections).toEqual([]);
      const lines = await trajectory(outDir, `${CLASS}.v1.r1`);
      const tool = lines.find((line) => line.role === 'tool');
      const stdout =
        String(tool?.content ?? '')
          .split('stdout:\n')[1]
          ?.split('\nstderr:')[0] ?? '';
      const outcome = JSON.parse(stdout) as Record<string, string>;
      expect(Object.keys(outcome)).toHaveLength(19);
      for (const [name, result] of Object.entries(outcome)) {
        // The one write that "works" lands in the job's own tmpfs, gone with the job.
        if (name === 'write_parent') continue;
        expect(`${name}: ${result}`).toMatch(new RegExp(`^${name}: blocked`));
      }
      for (const other of Object.values(runs)) expect(other.score).toBe(0);
    } finally {
      listener.close();
    }
  });

  it('calibrates the tasks from those runs, and flags a no-data solve as a shortcut', async () => {
    const expected = await readFile(
      join(published, 'databases', CLASS, 'verify', 'simulated_pred_local.csv'),
      'utf8',
    );
    const memorised = scriptedSteps([
      call(`open('prediction.csv', 'w').write(${JSON.stringify(expected)})`, [], ['prediction.csv']),
    ]);
    await evalPolicy('reference', memorised, true);
    const all = ['reference', 'baseline', 'lazy', 'reference-no-data'].flatMap(
      (name) => records.get(name) ?? [],
    );
    const calibration = calibrate(all);
    expect(calibration.models).toEqual(['scripted:baseline', 'scripted:lazy', 'scripted:reference']);
    const task = Object.fromEntries(calibration.tasks.map((t) => [`${t.task}.${t.variant}`, t]));
    expect(task[`${CLASS}.v1`]).toMatchObject({
      threshold: 1,
      runs: 3,
      shortcut: true,
      no_data_solved: 1,
      trivial: false,
    });
    expect(task[`${CLASS}.v1`]?.solve_rate).toBeCloseTo(1 / 3, 6);
    expect(task[`${REG}.v2`]).toMatchObject({ threshold: 0.7, shortcut: false, unsolved_by_all: false });
    expect(task[`${REG}.v2`]?.models['scripted:lazy']).toEqual({ runs: 1, solved: 0, mean_score: 0 });
    expect(calibration.counts.shortcut).toBe(1);
    expect(calibration.counts.trivial).toBe(0);
    // Same records in another order: the same calibration.
    expect(calibrate([...all].reverse())).toEqual(calibration);
  });
});
