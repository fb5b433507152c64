import { errorMessage } from '../errors.ts';
import { Semaphore } from '../util/limit.ts';
import { abortableSleep, backoffDelay } from '../util/wait.ts';
import {
  type Executor,
  type RunCodeRequest,
  type RunCodeResponse,
  type RunOptions,
  runCodeRequestSchema,
  runCodeResponseSchema,
  sandboxError,
} from './contract.ts';

export interface RemoteExecutorOptions {
  /** Base URL of the service; run_code is POSTed to `<url>/run_code`. */
  url: string;
  concurrency: number;
  /** Extra attempts after the first, on SandboxError, non-200 answers and network errors. */
  retries: number;
  requestTimeoutMs: number;
  /** First backoff step; retry k waits between half and all of base * 2^(k-1) (capped). */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Injected for tests: the sleeping and the jitter source. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

/**
 * A client of a SandboxFusion service (the paper's sandbox). Mirrors the official client:
 * retries with jittered exponential backoff, so a cluster that sheds load under pressure
 * (a known SandboxFusion pain) slows us down instead of failing tasks.
 */
export class RemoteExecutor implements Executor {
  readonly name = 'remote';
  readonly #options: Required<RemoteExecutorOptions>;
  readonly #endpoint: string;
  readonly #limit: Semaphore;

  constructor(options: RemoteExecutorOptions) {
    this.#options = {
      backoffBaseMs: 500,
      backoffCapMs: 15_000,
      sleep: abortableSleep,
      random: Math.random,
      ...options,
    };
    this.#endpoint = `${options.url.replace(/\/+$/, '')}/run_code`;
    this.#limit = new Semaphore(options.concurrency);
  }

  async runCode(input: RunCodeRequest, options: RunOptions = {}): Promise<RunCodeResponse> {
    const parsed = runCodeRequestSchema.safeParse(input);
    if (!parsed.success) return sandboxError(`invalid run_code request: ${parsed.error.message}`);
    const body = JSON.stringify(parsed.data);
    return this.#limit.run(async () => {
      let lastProblem = '';
      for (let attempt = 0; attempt <= this.#options.retries; attempt++) {
        // An abort ends the wait at once; the check below then answers 'aborted'.
        if (attempt > 0)
          await this.#options.sleep(this.#backoff(attempt), options.signal).catch(() => undefined);
        if (options.signal?.aborted) return sandboxError('aborted');
        const answer = await this.#post(body, options.signal);
        if (answer.ok && answer.response.status !== 'SandboxError') return answer.response;
        lastProblem = answer.ok ? `SandboxError: ${answer.response.message}` : answer.problem;
      }
      return sandboxError(
        `${redactUrl(this.#endpoint)}: gave up after ${this.#options.retries + 1} attempts; last: ${lastProblem}`,
      );
    });
  }

  async close(): Promise<void> {}

  async #post(
    body: string,
    signal: AbortSignal | undefined,
  ): Promise<{ ok: true; response: RunCodeResponse } | { ok: false; problem: string }> {
    const timeout = AbortSignal.timeout(this.#options.requestTimeoutMs);
    try {
      const answer = await fetch(this.#endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      const text = await answer.text();
      if (answer.status !== 200)
        return { ok: false, problem: `HTTP ${answer.status}: ${text.slice(0, 200)}` };
      const response = runCodeResponseSchema.safeParse(parseJson(text));
      if (!response.success) return { ok: false, problem: `unreadable answer: ${response.error.message}` };
      return { ok: true, response: response.data };
    } catch (error) {
      return { ok: false, problem: timeout.aborted ? 'request timed out' : errorMessage(error) };
    }
  }

  #backoff(attempt: number): number {
    const { backoffBaseMs: baseMs, backoffCapMs: capMs, random } = this.#options;
    return backoffDelay({ baseMs, capMs, jitter: 'equal' }, attempt, random());
  }
}

/** The URL without credentials or query, safe for messages. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '<invalid url>';
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
