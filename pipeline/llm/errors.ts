import type { z } from 'zod';
import type { TokenUsage } from './types.ts';

/**
 * The provider answered, but the answer does not parse as JSON or does not match the schema.
 * Carries the raw text and the validation issues so the caller can quote them back.
 */
export class LlmInvalidResponse extends Error {
  readonly rawText: string;
  readonly issues: readonly string[];
  readonly requestHash: string;
  readonly cached: boolean;
  /** What the invalid answer cost (zero for a cache hit), so callers can account for it. */
  readonly usage: TokenUsage;
  readonly costUsd: number;

  constructor(options: {
    rawText: string;
    issues: readonly string[];
    requestHash: string;
    cached: boolean;
    usage?: TokenUsage;
    costUsd?: number;
  }) {
    super(`LLM answer does not match the schema: ${options.issues.slice(0, 5).join('; ')}`);
    this.name = 'LlmInvalidResponse';
    this.rawText = options.rawText;
    this.issues = options.issues;
    this.requestHash = options.requestHash;
    this.cached = options.cached;
    this.usage = options.usage ?? { input_tokens: 0, output_tokens: 0 };
    this.costUsd = options.costUsd ?? 0;
  }
}

export type CallFailureKind =
  | 'rate_limit'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'dns'
  | 'auth'
  | 'bad_request'
  /** A 200 whose body is not a completion (HTML, not JSON, not the API's shape). */
  | 'bad_response'
  /** The answer passed llm.max_answer_bytes. */
  | 'too_large'
  | 'aborted'
  | 'other';

/** The stable reason a dataset ends with when its call fails for good (error(<reason>)). */
export const callFailureReasons: Record<CallFailureKind, string> = {
  rate_limit: 'llm_rate_limited',
  server: 'llm_server_error',
  timeout: 'llm_timeout',
  connection: 'llm_unreachable',
  dns: 'llm_dns_failed',
  auth: 'llm_auth_failed',
  bad_request: 'llm_bad_request',
  bad_response: 'llm_bad_response',
  too_large: 'llm_answer_too_large',
  aborted: 'llm_aborted',
  other: 'llm_call_failed',
};

/** The provider's answer passed llm.max_answer_bytes: nothing more of it is read or stored. */
export class LlmAnswerTooLarge extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LlmAnswerTooLarge';
  }
}

/** The answer's headers came in time, its body did not (llm.timeout_ms): retried like a timeout. */
export class LlmBodyTimeout extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LlmBodyTimeout';
  }
}

/** The provider answered 200 with a body that is not a completion of the API's shape. */
export class LlmBadResponse extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LlmBadResponse';
  }
}

/** A provider call that failed for good (not retryable, or retries exhausted). */
export class LlmCallError extends Error {
  readonly kind: CallFailureKind;
  readonly status: number | undefined;
  readonly attempts: number;
  /** Read by the stage runner: the dataset ends error(<reason>), not error(unexpected). */
  readonly reason: string;

  constructor(
    message: string,
    options: { kind: CallFailureKind; status: number | undefined; attempts: number },
  ) {
    super(message);
    this.name = 'LlmCallError';
    this.kind = options.kind;
    this.status = options.status;
    this.attempts = options.attempts;
    this.reason = callFailureReasons[options.kind];
  }
}

/** Formats zod issues as `path: message` lines (the form quoted back to the model). */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map(
    (issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`,
  );
}
