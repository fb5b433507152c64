import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  defaultRewardLimits,
  RewardTasks,
  type RunningRewardServer,
  startRewardServer,
} from '../../pipeline/reward-server/index.ts';
import { truthFileName } from '../../pipeline/score/truth.ts';
import { defaultReadLimits } from '../../pipeline/util/inside.ts';
import { exportTasks, type SmallRelease, smallRelease, wrongPrediction } from './support.ts';

/** OpenRLHF's remote reward answer (openrlhf/utils/remote_rm_utils.py reads these keys). */
const answer = z.object({
  rewards: z.array(z.number()),
  scores: z.array(z.number()),
  extra_logs: z.record(z.string(), z.array(z.number())),
  reasons: z.array(z.string().nullable()),
});

let built: SmallRelease;
let server: RunningRewardServer;
let small: RunningRewardServer;
const truths: { label: string; csv: string; targets: string[] }[] = [];

beforeAll(async () => {
  built = await smallRelease();
  const tasks = await RewardTasks.load([built.split], defaultReadLimits());
  server = await startRewardServer({ tasks, host: '127.0.0.1', port: 0, limits: defaultRewardLimits });
  small = await startRewardServer({
    tasks,
    host: '127.0.0.1',
    port: 0,
    limits: { maxBodyBytes: 64 * 1024, maxBatch: 4, maxItemBytes: 2048, maxItemRows: 10 },
  });
  for (const task of exportTasks) {
    const family = task.endsWith('_class')
      ? 'classification'
      : task.endsWith('_reg')
        ? 'regression'
        : 'time_series_analysis';
    const metadata = JSON.parse(
      await readFile(join(built.split, 'databases', task, 'verify/all_metadata.json'), 'utf8'),
    ) as {
      question: { target: string | string[] };
    };
    const target = metadata.question.target;
    for (const variant of ['v1', 'v2'] as const) {
      const csv = await readFile(
        join(built.split, 'databases', task, 'verify', truthFileName(family, variant)),
        'utf8',
      );
      truths.push({
        label: `${task}:${variant}`,
        csv,
        targets: typeof target === 'string' ? [target] : target,
      });
    }
  }
}, 180_000);
afterAll(async () => {
  await server?.close();
  await small?.close();
  await built?.cleanup();
});

async function post(url: string, body: string | object) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as unknown };
}

describe('reward-server (OpenRLHF remote reward)', { timeout: 120_000 }, () => {
  it("scores a batch with the paper's reward: exact 1.1, wrong 0.1, no CSV 0", async () => {
    const query = truths.flatMap((t) => [
      t.csv,
      `My answer:\n\`\`\`csv\n${t.csv}\`\`\``,
      wrongPrediction(t.csv, t.targets),
      'I do not know.',
    ]);
    const labels = truths.flatMap((t) => [t.label, t.label, t.label, t.label]);
    const { status, json } = await post(server.url, { query, prompts: labels.map(() => 'p'), labels });
    expect(status).toBe(200);
    const body = answer.parse(json);
    expect(body.rewards).toEqual(truths.flatMap(() => [1.1, 1.1, 0.1, 0]));
    expect(body.scores).toEqual(truths.flatMap(() => [1, 1, 0, 0]));
    expect(body.extra_logs.prediction_exists).toEqual(truths.flatMap(() => [1, 1, 1, 0]));
    expect(body.reasons.filter((_, i) => i % 4 === 3)).toEqual(truths.map(() => 'missing_prediction'));
  });

  it('gives an unknown or path-like label 0 with a reason, and scores the rest', async () => {
    const [first] = truths;
    const labels = [
      '../../etc/passwd:v1',
      'nope',
      `${first?.label.replace(':v1', ':v3')}`,
      first?.label ?? '',
    ];
    const { status, json } = await post(server.url, { query: labels.map(() => first?.csv ?? ''), labels });
    expect(status).toBe(200);
    const body = answer.parse(json);
    expect(body.rewards).toEqual([0, 0, 0, 1.1]);
    expect(body.reasons).toEqual(['unknown_task', 'unknown_task', 'unknown_task', null]);
    expect(body.extra_logs.unknown_task).toEqual([1, 1, 1, 0]);
  });

  it('answers malformed requests with 4xx and a message, never a crash', async () => {
    const label = truths[0]?.label ?? '';
    expect((await post(server.url, '{"query": [')).status).toBe(400);
    expect((await post(server.url, { query: 'x', labels: [label] })).status).toBe(400);
    expect((await post(server.url, { query: [1], labels: [label] })).status).toBe(400);
    const mismatch = await post(server.url, { query: ['a', 'b'], labels: [label] });
    expect(mismatch.status).toBe(400);
    expect(JSON.stringify(mismatch.json)).toMatch(/one label per query/);
    expect((await fetch(server.url)).status).toBe(405);
    expect(
      (await fetch(server.url.replace('/get_reward', '/admin'), { method: 'POST', body: '{}' })).status,
    ).toBe(404);
  });

  it('caps the body, the batch, and each prediction, then goes on serving', async () => {
    const [first] = truths;
    const label = first?.label ?? '';
    const huge = await post(small.url, { query: ['x'.repeat(100_000)], labels: [label] });
    expect(huge.status).toBe(413);
    const batch = await post(small.url, { query: Array(5).fill('a,b'), labels: Array(5).fill(label) });
    expect(batch.status).toBe(413);
    const longItem = `row_id,ripeness\n${'1,x\n'.repeat(1000)}`;
    const manyRows = `row_id,ripeness\n${'1,x\n'.repeat(20)}`;
    const items = await post(small.url, { query: [longItem, manyRows], labels: [label, label] });
    const body = answer.parse(items.json);
    expect(body.reasons).toEqual(['prediction_too_large', 'prediction_too_large']);
    expect(body.rewards).toEqual([0.1, 0.1]);
    const after = answer.parse((await post(server.url, { query: [first?.csv], labels: [label] })).json);
    expect(after.rewards).toEqual([1.1]);
  });

  it('cuts off a client that never finishes its request', async () => {
    const tasks = await RewardTasks.load([built.split], defaultReadLimits());
    const slow = await startRewardServer({
      tasks,
      host: '127.0.0.1',
      port: 0,
      limits: defaultRewardLimits,
      requestTimeoutMs: 500,
    });
    const { port } = new URL(slow.url);
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'POST /get_reward HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"query": [',
        );
      });
      let seen = '';
      socket.on('data', (chunk) => {
        seen += chunk.toString();
      });
      socket.on('close', () => resolve(seen));
    });
    await slow.close();
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
  });

  it('says on one line why it cannot listen: a taken port, a host not of this machine', async () => {
    const cli = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn('node', [
          join(process.cwd(), 'bin/dare-forge.js'),
          'reward-server',
          '--release',
          built.split,
          ...args,
        ]);
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
        });
        child.once('exit', (code) => resolve({ code, stderr }));
      });
    const taken = new URL(server.url).port;
    const busy = await cli(['--port', taken]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(
      /^dare-forge: --host 127\.0\.0\.1 --port \d+: cannot listen \(EADDRINUSE\); the port is taken; pick another --port/,
    );
    expect(busy.stderr.trim().split('\n')).toHaveLength(1);
    // 192.0.2.1 is TEST-NET-1: never an address of the test machine.
    const foreign = await cli(['--host', '192.0.2.1', '--port', '0']);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toMatch(
      /cannot listen \(EADDRNOTAVAIL\); the host is not an address of this machine; use --host 127\.0\.0\.1/,
    );
  });

  it('runs from the CLI on loopback and stops on SIGTERM', async () => {
    const child = spawn(
      'node',
      [join(process.cwd(), 'bin/dare-forge.js'), 'reward-server', '--release', built.split, '--port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const url = await new Promise<string>((resolve, reject) => {
      let seen = '';
      child.stdout.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/get_reward)/.exec(seen);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${seen}`)));
    });
    const [first] = truths;
    const body = answer.parse((await post(url, { query: [first?.csv], labels: [first?.label] })).json);
    expect(body.rewards).toEqual([1.1]);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
