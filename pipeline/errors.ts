/**
 * Two kinds of error. A UserError is the user's to fix (bad flag, bad config, missing file):
 * the CLI prints its message plainly and exits with its code. Anything else is a bug and the
 * CLI prints its stack.
 */
export class UserError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

/** Infrastructure that the whole run needs is missing or down (no Python, network down). */
export class InfraError extends UserError {
  constructor(message: string) {
    super(message, 1);
    this.name = 'InfraError';
  }
}

/**
 * A dataset-level outcome raised from deep inside a stage: the runner records it as
 * rejected(reason) and carries on with the other datasets.
 */
export class Rejection extends Error {
  readonly reason: string;

  constructor(reason: string, detail: string) {
    super(detail);
    this.name = 'Rejection';
    this.reason = reason;
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
