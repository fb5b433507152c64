import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Executor } from '../../pipeline/sandbox/contract.ts';
import { testdir } from '../support/testdir.ts';
import {
  ANSCOMBE_TASK,
  buildSmallRelease,
  call,
  evalWith,
  referencePrediction,
  scriptedSteps,
  startExecutor,
  trajectory,
} from './support.ts';

let releaseDir: string;
let executor: Executor;
const root = await testdir();

beforeAll(async () => {
  releaseDir = await buildSmallRelease(root);
  executor = await startExecutor();
});
afterAll(async () => executor?.close());

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
      release: releaseDir,
      executor,
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
});
