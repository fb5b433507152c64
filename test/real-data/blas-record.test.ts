import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createLocalExecutor, environmentFingerprint } from '../../pipeline/sandbox/index.ts';
import { verdictEnvironment } from '../../pipeline/stages/verify/environment.ts';
import { testPoolYaml, verifyConfig } from '../sandbox/support.ts';

/** Whether the verifier's Python can report its thread pools (detected, not assumed). */
function hasThreadpoolctl(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import threadpoolctl'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('verdicts record the BLAS kernel and its thread count', () => {
  for (const threads of [1, 2]) {
    it(`records verify.blas_threads: ${threads} as the jobs see it`, async () => {
      const executor = await createLocalExecutor(verifyConfig(`${testPoolYaml}  blas_threads: ${threads}\n`));
      try {
        const fingerprint = await environmentFingerprint(executor);
        const environment = verdictEnvironment(fingerprint);
        // The verdict keeps the fingerprint whole, beside its summary.
        expect(environment.fingerprint).toEqual(fingerprint);
        const pools = fingerprint.blas.filter((pool) => pool.user_api === 'blas');
        if (hasThreadpoolctl()) {
          expect(pools.length).toBeGreaterThan(0);
          for (const pool of pools) {
            expect(pool.internal_api).toBeTruthy();
            expect(pool.num_threads).toBe(threads);
          }
          expect(environment.blas).toBeTruthy();
        } else {
          expect(fingerprint.blas).toEqual([]);
        }
      } finally {
        await executor.close();
      }
    });
  }
});
