import { afterAll, beforeAll } from 'vitest';
import { verifyChecksSection } from '../../pipeline/config/sections/verify-checks.ts';
import { createLocalExecutor } from '../../pipeline/sandbox/index.ts';
import type { LocalExecutor } from '../../pipeline/sandbox/local-executor.ts';
import type { TaskCheckOptions } from '../../pipeline/stages/verify/tabular.ts';
import { testPoolYaml, verifyConfig } from '../sandbox/support.ts';

export const checks = verifyChecksSection.parse({});

/** A two-worker sandbox pool for the file's tests, closed after them. */
export function usePool(): () => LocalExecutor {
  let executor: LocalExecutor | undefined;
  beforeAll(async () => {
    executor = await createLocalExecutor(verifyConfig(testPoolYaml));
  });
  afterAll(async () => {
    await executor?.close();
  });
  return () => {
    if (!executor) throw new Error('the pool is not started');
    return executor;
  };
}

export function taskOptions(executor: LocalExecutor, scope: 'all' | 'reference' = 'all'): TaskCheckOptions {
  return { run: { executor, runTimeoutS: 120, memoryLimitMb: 2048 }, checks, scope };
}
