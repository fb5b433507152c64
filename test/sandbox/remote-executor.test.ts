import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalExecutor } from '../../pipeline/sandbox/index.ts';
import type { LocalExecutor } from '../../pipeline/sandbox/local-executor.ts';
import { RemoteExecutor, type RemoteExecutorOptions } from '../../pipeline/sandbox/remote-executor.ts';
import { expectReproduced, runFixtures, tabularFixtures } from '../verifiers/fixtures.ts';
import { type Faults, type LoopbackServer, startLoopbackServer } from './loopback-server.ts';
import { testPoolYaml, verifyConfig } from './support.ts';

let local: LocalExecutor;
const servers: LoopbackServer[] = [];

beforeAll(async () => {
  local = await createLocalExecutor(verifyConfig(testPoolYaml));
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await local?.close();
});

async function client(faults: Faults, options: Partial<RemoteExecutorOptions> = {}) {
  const server = await startLoopbackServer(local, faults);
  servers.push(server);
  const sleeps: number[] = [];
  const remote = new RemoteExecutor({
    url: `${server.url}/`,
    concurrency: 4,
    retries: 3,
    requestTimeoutMs: 30_000,
    backoffBaseMs: 100,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { server, remote, sleeps };
}

describe('RemoteExecutor (SandboxFusion client) against a loopback run_code server', () => {
  it('retries HTTP 500 and SandboxError answers with growing jittered backoff', async () => {
    const { server, remote, sleeps } = await client({ http500: 2, sandboxError: 1 });
    const response = await remote.runCode({ code: 'print(6 * 7)' });
    expect(response.status).toBe('Success');
    expect(response.run_result?.stdout).toBe('42\n');
    expect(server.calls).toBe(4);
    expect(sleeps).toEqual([75, 150, 300]);
  });

  it('gives up after its retries with the last problem, never throwing', async () => {
    const { server, remote } = await client({ http500: 100 }, { retries: 2 });
    const response = await remote.runCode({ code: 'print(1)' });
    expect(response.status).toBe('SandboxError');
    expect(response.message).toMatch(/run_code: gave up after 3 attempts; last: HTTP 500: internal error$/);
    expect(server.calls).toBe(3);
  });

  it('times out a request that gets no answer', async () => {
    const { remote } = await client({ hang: true }, { retries: 1, requestTimeoutMs: 300 });
    const response = await remote.runCode({ code: 'print(1)' });
    expect(response.status).toBe('SandboxError');
    expect(response.message).toContain('last: request timed out');
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const { server, remote } = await client({}, { concurrency: 2 });
    const responses = await Promise.all([1, 2, 3, 4, 5].map((n) => remote.runCode({ code: `print(${n})` })));
    expect(responses.map((response) => response.run_result?.stdout)).toEqual([
      '1\n',
      '2\n',
      '3\n',
      '4\n',
      '5\n',
    ]);
    expect(server.maxInFlight).toBeLessThanOrEqual(2);
  });

  it('reproduces the published predictions through HTTP, twice in a row', async () => {
    const { remote } = await client({});
    const names = (await tabularFixtures())
      .filter((task) => task.format !== 'parquet')
      .map((task) => task.name);
    const first = await runFixtures(remote, names);
    const second = await runFixtures(remote, names);
    await expectReproduced(names, first, second);
  });
});
