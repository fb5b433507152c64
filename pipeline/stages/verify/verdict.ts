import type { Check, TaskVerdict } from './schema.ts';

/** One check as recorded, plus what it means for the task: a rejection reason or a flag. */
export interface CheckOutcome {
  check: Check;
  /** Stable reason code when the check failed (the task is rejected). */
  reason?: string;
  /** Code when the check flagged without rejecting. */
  flag?: string;
  /** Set when this machine cannot run the check (e.g. parquet without pyarrow). */
  envMissing?: 'env_missing_pyarrow';
}

export function pass(name: string, detail: string, metrics: Record<string, number> = {}): CheckOutcome {
  return { check: { name, status: 'pass', detail, metrics } };
}

export function fail(
  name: string,
  reason: string,
  detail: string,
  metrics: Record<string, number> = {},
): CheckOutcome {
  return { check: { name, status: 'fail', detail, metrics }, reason };
}

export function flag(
  name: string,
  code: string,
  detail: string,
  metrics: Record<string, number> = {},
): CheckOutcome {
  return { check: { name, status: 'flag', detail, metrics }, flag: code };
}

export function skip(name: string, detail: string): CheckOutcome {
  return { check: { name, status: 'skip', detail, metrics: {} } };
}

/** A program's non-ok status: pyarrow missing is the environment's fault, anything else the task's. */
export function fromProgramFailure(name: string, status: string, detail: string): CheckOutcome {
  if (status === 'env_missing_pyarrow') {
    return { check: { name, status: 'skip', detail, metrics: {} }, envMissing: 'env_missing_pyarrow' };
  }
  return fail(name, status === 'timeout' ? 'timeout' : `check_${status}`, detail);
}

/**
 * The verdict of one task: rejected when any check failed, env_missing_* when this machine
 * could not run a check and nothing failed, else passed. Reasons and flags keep check order.
 */
export function decideTask(
  task: string,
  family: TaskVerdict['family'],
  outcomes: readonly CheckOutcome[],
  referenceSha256: string | null,
): TaskVerdict {
  const reasons = unique(outcomes.flatMap((o) => (o.reason ? [o.reason] : [])));
  const flags = unique(outcomes.flatMap((o) => (o.flag ? [o.flag] : [])));
  const envMissing = outcomes.find((o) => o.envMissing)?.envMissing;
  const status = reasons.length > 0 ? 'rejected' : envMissing ? envMissing : 'passed';
  return {
    task,
    family,
    status,
    reasons,
    flags,
    checks: outcomes.map((o) => o.check),
    reference_sha256: referenceSha256,
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
