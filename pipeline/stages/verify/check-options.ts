import type { VerifyChecksConfig } from '../../config/sections/verify-checks.ts';
import type { CorpusReadLimits } from '../../util/inside.ts';
import type { SandboxRun } from './python-checks.ts';

/** How one task's checks run: the sandbox, the check settings and the scope. */
export interface TaskCheckOptions {
  run: SandboxRun;
  checks: VerifyChecksConfig;
  /** reference: only the reference runs (determinism); all: every check. */
  scope: 'all' | 'reference';
  /** Caps on the task's files (the config's corpus.limits); the defaults when left out. */
  limits?: CorpusReadLimits;
}
