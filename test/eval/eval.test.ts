import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ANSCOMBE_TASK,
  call,
  evalWith,
  referencePrediction,
  scriptedSteps,
  testConfig,
  trajectory,
  useSmallRelease,
} from './support.ts';

const fixture = useSmallRelease();

describe('eval through the Chat Completions protocol', { timeout: 120_000 }, () => {
  it('scores a saved prediction.csv with the metric and the paper reward', async () => {
    const expected = await referencePrediction();
    const policy = scriptedSteps([
      call(
        `import pandas as pd\nval = pd.read_csv('val_v1.csv')\nprint(len(val))\nopen('prediction.csv', 'w').write(${JSON.stringify(expected)})`,
        ['val_v1.csv'],
        ['prediction.csv'],
      ),
    ]);
    const { result, outDir, server } = await evalWith({
      release: fixture.releaseDir,
      executor: fixture.executor,
      policy,
      protocol: 'chat',
    });
    const record = JSON.parse(await readFile(join(outDir, 'runs', `${ANSCOMBE_TASK}.v1.r1.json`), 'utf8'));
    expect(record).toMatchObject({
      format: 'dare-forge.eval-run/1',
      task: ANSCOMBE_TASK,
      variant: 'v1',
      repeat: 1,
      status: 'answered',
      score: 1,
      reward: 1.1,
      turns: 2,
      tool_calls: 1,
      tool_errors: 0,
      no_data: false,
    });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.input?.toolResults[0]).toMatch(/^stdout:\n4\n/);
    expect(result.summary.columns.reg_if).toMatchObject({ tasks: 1, mean: 1, std: 0 });
    const lines = await trajectory(outDir, `${ANSCOMBE_TASK}.v1.r1`);
    expect(Object.keys(lines[0] ?? {})).toEqual(['tools']);
    expect(lines.slice(1).map((line) => line.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
  });

  it('stops at --turns with status turn_limit when the agent always calls the tool', async () => {
    const policy = () => ({ kind: 'tool_call' as const, call: call("print('again')") });
    const { result, outDir, server } = await evalWith({
      release: fixture.releaseDir,
      executor: fixture.executor,
      policy,
      protocol: 'chat',
      turns: 3,
    });
    const record = await runRecord(outDir, `${ANSCOMBE_TASK}.v1.r1`);
    expect(record).toMatchObject({
      status: 'turn_limit',
      turns: 3,
      tool_calls: 3,
      tool_errors: 0,
      score: 0,
      reward: 0,
    });
    expect(server.requests).toHaveLength(3);
    expect(result.summary.statuses.turn_limit).toBe(1);
  });

  it('reuses a recorded run only under the same settings: another --turns runs it again', async () => {
    const policy = () => ({ kind: 'tool_call' as const, call: call("print('again')") });
    const first = await evalWith({
      release: fixture.releaseDir,
      executor: fixture.executor,
      policy,
      protocol: 'chat',
      turns: 2,
    });
    expect(first.result).toMatchObject({ done: 1, skipped: 0 });
    const same = await evalWith({
      release: fixture.releaseDir,
      executor: fixture.executor,
      policy,
      protocol: 'chat',
      turns: 2,
      outDir: first.outDir,
    });
    expect(same.result).toMatchObject({ done: 0, skipped: 1 });
    const more = await evalWith({
      release: fixture.releaseDir,
      executor: fixture.executor,
      policy,
      protocol: 'chat',
      turns: 3,
      outDir: first.outDir,
    });
    expect(more.result).toMatchObject({ done: 1, skipped: 0 });
    expect(await runRecord(first.outDir, `${ANSCOMBE_TASK}.v1.r1`)).toMatchObject({ turns: 3 });
  });

  it('returns a timeout result for code past --tool-timeout, without the execution time, and goes on', async () => {
    const expected = await referencePrediction();
    const policy = scriptedSteps([
      call("import time\nprint('start', flush=True)\ntime.sleep(30)"),
      call(`open('prediction.csv', 'w').write(${JSON.stringify(expected)})`, [], ['prediction.csv']),
    ]);
    const { outDir } = await evalWith({
      release: fixture.releaseDir,
      executor: fixture.executor,
      policy,
      protocol: 'chat',
      toolTimeoutS: 1.5,
    });
    const record = await runRecord(outDir, `${ANSCOMBE_TASK}.v1.r1`);
    expect(record).toMatchObject({
      status: 'answered',
      score: 1,
      reward: 1.1,
      tool_calls: 2,
      tool_errors: 1,
    });
    const tools = (await trajectory(outDir, `${ANSCOMBE_TASK}.v1.r1`)).filter((line) => line.role === 'tool');
    // stdout and stderr only: the sandbox's note names the limit, never how long the code ran.
    expect(tools[0]?.content).toBe(
      'Error: the code ran past the 1.5-second time limit and was stopped.\nstdout:\nstart\n\nstderr:\n\n[sandbox] time limit of 1.5 s exceeded; the job was killed\n',
    );
  });

  it('writes files_to_save back to the work folder, so a later call can load them', async () => {
    const policy = scriptedSteps([
      call(
        "import pandas as pd\npd.read_csv('train_v1.csv').describe().to_csv('stats.csv')",
        ['train_v1.csv'],
        ['stats.csv'],
      ),
      call("print(open('stats.csv').read().splitlines()[0])", ['stats.csv']),
    ]);
    const { server } = await evalWith({
      release: fixture.releaseDir,
      executor: fixture.executor,
      policy,
      protocol: 'chat',
    });
    expect(server.requests[2]?.input?.toolResults[1]).toMatch(/^stdout:\n,y2,y3,y1,x1235\n/);
  });

  it('refuses path-like file names and files outside the work folder as tool errors', async () => {
    const policy = scriptedSteps([
      call("print('x')", ['../verify/ground_truth.csv']),
      call("open('a', 'w').write('x')", [], ['/tmp/a']),
      call("print('x')", ['ground_truth.csv']),
    ]);
    const { outDir, server } = await evalWith({
      release: fixture.releaseDir,
      executor: fixture.executor,
      policy,
      protocol: 'chat',
    });
    const results = server.requests[3]?.input?.toolResults ?? [];
    expect(results[0]).toMatch(/files_to_load\.0: must be a plain file name/);
    expect(results[1]).toMatch(/files_to_save\.0: must be a plain file name/);
    expect(results[2]).toMatch(/files_to_load: ground_truth\.csv does not exist in the working folder/);
    expect(await runRecord(outDir, `${ANSCOMBE_TASK}.v1.r1`)).toMatchObject({
      tool_calls: 3,
      tool_errors: 3,
    });
  });

  it('gives an empty work folder with --no-data', async () => {
    const policy = scriptedSteps([call("print('x')", ['train_v1.csv']), call("print('ok')", [])]);
    const { outDir, server } = await evalWith({
      release: fixture.releaseDir,
      executor: fixture.executor,
      policy,
      protocol: 'chat',
      noData: true,
    });
    const [withData] = await Promise.all([
      evalWith({ release: fixture.releaseDir, executor: fixture.executor, policy, protocol: 'chat' }),
    ]);
    expect(server.requests[2]?.input?.toolResults[0]).toMatch(
      /train_v1\.csv does not exist in the working folder/,
    );
    expect(withData?.server.requests[2]?.input?.toolResults[0]).toMatch(/^stdout:\nx\n/);
    expect(await runRecord(outDir, `${ANSCOMBE_TASK}.v1.r1`)).toMatchObject({
      no_data: true,
      status: 'no_prediction',
    });
  });

  it('starts no run past --max-cost-usd and reports the runs left', async () => {
    const config = testConfig(
      'llm:\n  prices:\n    test-model: { input_usd_per_mtok: 1000000, output_usd_per_mtok: 0 }\n',
    );
    const policy = scriptedSteps([]);
    const { result, outDir } = await evalWith({
      release: fixture.releaseDir,
      executor: fixture.executor,
      policy,
      protocol: 'chat',
      config,
      repeats: 3,
      maxCostUsd: 0.5,
    });
    expect(result.done).toBe(1);
    expect(result.notStarted).toBe(2);
    expect(result.spentUsd).toBeGreaterThan(0.5);
    expect((await readdir(join(outDir, 'runs'))).filter((name) => name.endsWith('.json'))).toEqual([
      `${ANSCOMBE_TASK}.v1.r1.json`,
    ]);
  });

  it('writes byte-identical records (apart from wall_s), trajectories and summary for the same run', async () => {
    const policy = scriptedSteps([call("print('same')")]);
    const a = await evalWith({
      release: fixture.releaseDir,
      executor: fixture.executor,
      policy,
      protocol: 'chat',
    });
    const b = await evalWith({
      release: fixture.releaseDir,
      executor: fixture.executor,
      policy,
      protocol: 'chat',
    });
    const name = `${ANSCOMBE_TASK}.v1.r1`;
    const read = (dir: string, file: string) => readFile(join(dir, file), 'utf8');
    expect(await read(b.outDir, 'summary.json')).toBe(await read(a.outDir, 'summary.json'));
    expect(await read(b.outDir, `runs/${name}.trajectory.jsonl`)).toBe(
      await read(a.outDir, `runs/${name}.trajectory.jsonl`),
    );
    const { wall_s: _a, ...first } = await runRecord(a.outDir, name);
    const { wall_s: _b, ...second } = await runRecord(b.outDir, name);
    expect(second).toEqual(first);
  });
});

async function runRecord(outDir: string, name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(outDir, 'runs', `${name}.json`), 'utf8'));
}
