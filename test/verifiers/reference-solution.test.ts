import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalExecutor } from '../../pipeline/sandbox/index.ts';
import type { LocalExecutor } from '../../pipeline/sandbox/local-executor.ts';
import { testPoolYaml, verifyConfig } from '../sandbox/support.ts';
import { expectReproduced, runFixtures, tabularFixtures } from './fixtures.ts';

let executor: LocalExecutor;
let tasks: { name: string; format: string }[];

beforeAll(async () => {
  executor = await createLocalExecutor(verifyConfig(testPoolYaml));
  tasks = await tabularFixtures();
});
afterAll(async () => {
  await executor?.close();
});

describe('reference solution on the published fixtures (local pool)', () => {
  it('reproduces simulated_pred_local.csv for every csv/sqlite task, twice in a row', async () => {
    const tabular = tasks.filter((task) => task.format !== 'parquet').map((task) => task.name);
    expect(tabular).toHaveLength(19);
    const first = await runFixtures(executor, tabular);
    const second = await runFixtures(executor, tabular);
    await expectReproduced(tabular, first, second);
  });

  it('reports parquet tasks as env_missing_pyarrow where pyarrow is absent', async () => {
    const parquet = tasks.filter((task) => task.format === 'parquet').map((task) => task.name);
    expect(parquet.length).toBeGreaterThan(0);
    for (const outcome of await runFixtures(executor, parquet)) {
      expect(outcome).toEqual({
        status: 'env_missing_pyarrow',
        detail: 'parquet inputs need pyarrow, which this Python lacks',
      });
    }
  });
});
