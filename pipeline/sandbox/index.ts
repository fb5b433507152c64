import type { VerifyConfig } from '../config/sections/verify.ts';
import { UserError } from '../errors.ts';
import type { Executor } from './contract.ts';
import { LocalExecutor } from './local-executor.ts';
import { RemoteExecutor } from './remote-executor.ts';

export type { BlockedAttempt, Executor, RunCodeRequest, RunCodeResponse } from './contract.ts';
export { type EnvironmentFingerprint, environmentFingerprint } from './fingerprint.ts';
export { LocalExecutor } from './local-executor.ts';
export { type ReferenceOutcome, runReferenceSolution } from './reference.ts';
export { RemoteExecutor } from './remote-executor.ts';

/** The local warm pool built from the verify config section. */
export function createLocalExecutor(verify: VerifyConfig): Promise<LocalExecutor> {
  return LocalExecutor.create({
    python: verify.python,
    bwrap: verify.bwrap,
    poolSize: verify.pool_size,
    blasThreads: verify.blas_threads,
    jobUidBase: verify.job_uid_base,
    limits: verify.limits,
  });
}

/** The executor verify.executor names: the local pool or a SandboxFusion service. */
export async function createExecutor(verify: VerifyConfig): Promise<Executor> {
  if (verify.executor === 'local') return createLocalExecutor(verify);
  if (!verify.remote.url) {
    throw new UserError('verify.remote.url: set the SandboxFusion base URL when verify.executor is remote');
  }
  return new RemoteExecutor({
    url: verify.remote.url,
    concurrency: verify.remote.concurrency,
    retries: verify.remote.retries,
    requestTimeoutMs: verify.remote.request_timeout_s * 1000,
  });
}
