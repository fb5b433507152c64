import type { LlmConfig } from '../config/sections/llm.ts';
import { InfraError, UserError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { Semaphore } from '../util/limit.ts';
import { runBatch } from './batch.ts';
import { LlmCache } from './cache.ts';
import { LlmCallError } from './errors.ts';
import { estimateCost, UsageLedger } from './ledger.ts';
import type { Provider, ProviderAnswer } from './provider.ts';
import { type PreparedRequest, prepareRequest } from './request.ts';
import { type CallFailure, type RetryDeps, withRetries } from './retry.ts';
import type {
  BatchReport,
  CompleteRequest,
  CompleteResult,
  LlmClient,
  LlmEndpoint,
  UsageSummary,
} from './types.ts';
import { validateAnswer } from './validate.ts';

const rateLimitHold: CallFailure = {
  kind: 'rate_limit',
  retryable: true,
  status: undefined,
  retryAfterMs: undefined,
  message: 'holding: another call was rate limited',
};

export interface ClientDeps {
  provider: Provider;
  config: LlmConfig;
  processedDir: string;
  logger: Logger;
  keyVariable: string;
  baseUrlVariable: string;
  retry: RetryDeps;
  signal: AbortSignal | undefined;
  endpoint?: LlmEndpoint;
}

/**
 * The LLM boundary every stage uses: cache first (processed/_llm_cache), then the provider
 * under a concurrency limit and our retry policy; answers are validated with the caller's
 * schema and every call lands in the usage ledger.
 */
export class CachedLlmClient implements LlmClient {
  readonly provider: string;
  readonly model: string;
  readonly endpoint: LlmEndpoint | undefined;
  readonly ledger = new UsageLedger();
  readonly cache: LlmCache;
  readonly #deps: ClientDeps;
  readonly #limit: Semaphore;
  readonly #inFlight = new Map<string, Promise<ProviderAnswer>>();
  #warnedPrice = false;
  #rateLimitedUntil = 0;

  constructor(deps: ClientDeps) {
    this.#deps = deps;
    this.provider = deps.provider.name;
    this.model = deps.provider.model;
    this.endpoint = deps.endpoint;
    this.cache = new LlmCache(deps.processedDir);
    this.#limit = new Semaphore(deps.config.concurrency);
  }

  async complete<T>(request: CompleteRequest<T>): Promise<CompleteResult<T>> {
    const prepared = prepareRequest(this.#deps.provider.name, this.model, request);
    const mode = this.#deps.config.cache;
    const base = { request_hash: prepared.hash, provider: this.provider, model: this.model };
    const hit = mode === 'off' ? undefined : await this.cache.get(prepared.hash);
    if (hit) {
      const zero = { input_tokens: 0, output_tokens: 0 };
      this.#record(prepared, zero, 0, true, hit.via);
      const value = validateAnswer(request.schema, hit.text, { requestHash: prepared.hash, cached: true });
      return { ...base, value, usage: zero, cost_usd: 0, cached: true };
    }
    if (mode === 'replay') {
      throw new UserError(
        `No cached LLM answer for ${request.template}@${request.templateVersion} (request ${prepared.hash.slice(0, 12)}) ` +
          'and llm.cache is replay: set llm.cache to read_write to call the provider.',
      );
    }
    // A twin of a request already in flight waits for that call and counts as a cache hit.
    const shared = this.#inFlight.has(prepared.hash);
    const answer = await this.#callOnce(prepared);
    const usage = shared ? { input_tokens: 0, output_tokens: 0 } : answer.usage;
    const cost = shared ? 0 : this.#cost(usage, 1);
    this.#record(prepared, usage, cost, shared, 'sync');
    const value = validateAnswer(request.schema, answer.text, {
      requestHash: prepared.hash,
      cached: shared,
      usage,
      costUsd: cost,
    });
    return { ...base, value, usage, cost_usd: cost, cached: shared };
  }

  /**
   * Sends every uncached request through the provider's batch API, resuming batches a
   * previous run submitted, and fills the cache; `complete` then replays the answers.
   */
  usageSummary(): UsageSummary {
    return this.ledger.summarize();
  }

  async runBatch(requests: readonly CompleteRequest<unknown>[]): Promise<BatchReport> {
    if (this.#deps.config.cache === 'off') {
      throw new UserError(
        'llm.batch needs the cache (batch answers are replayed from it): set llm.cache to read_write.',
      );
    }
    const prepared = requests.map((request) => prepareRequest(this.#deps.provider.name, this.model, request));
    return runBatch({
      provider: this.#deps.provider,
      cache: this.cache,
      processedDir: this.#deps.processedDir,
      settings: this.#deps.config.batch,
      logger: this.#deps.logger,
      sleep: (ms) => this.#deps.retry.sleep(ms, this.#deps.signal),
      now: this.#deps.retry.now,
      signal: this.#deps.signal,
      retried: (what, call) => this.#retried(what, call),
      record: (request, usage) => {
        const cost = this.#cost(usage, this.#deps.config.batch.price_factor);
        this.#record(request, usage, cost, false, 'batch');
        return cost;
      },
      requests: prepared,
      replayOnly: this.#deps.config.cache === 'replay',
      maxAnswerBytes: this.#deps.config.max_answer_bytes,
    });
  }

  /** Identical requests in flight share one provider call. */
  #callOnce(prepared: PreparedRequest): Promise<ProviderAnswer> {
    const running = this.#inFlight.get(prepared.hash);
    if (running) return running;
    const call = this.#limit
      .run(() =>
        this.#retried(`${prepared.template} ${prepared.hash.slice(0, 12)}`, () =>
          this.#deps.provider.complete(prepared, this.#deps.signal),
        ),
      )
      .then(async (answer) => {
        if (this.#deps.config.cache !== 'off') await this.cache.put(prepared, answer, 'sync');
        return answer;
      })
      .finally(() => this.#inFlight.delete(prepared.hash));
    this.#inFlight.set(prepared.hash, call);
    return call;
  }

  /**
   * A rate-limit answer pauses the whole client: calls that start while it holds wait it out
   * first instead of drawing more 429s (retries already wait their own, longer, delay).
   */
  #retried<T>(what: string, call: () => Promise<T>): Promise<T> {
    const { provider, retry, signal } = this.#deps;
    let firstAttempt = true;
    const gated = async () => {
      const hold = this.#rateLimitedUntil - retry.now();
      if (firstAttempt && hold > 0) {
        retry.onRetry?.({ attempt: 0, delayMs: hold, failure: rateLimitHold, what });
        await retry.sleep(hold, signal);
      }
      firstAttempt = false;
      return call();
    };
    return withRetries({
      what,
      call: gated,
      classify: (error) => provider.classify(error),
      toError: (failure, attempts) => this.#toError(failure, attempts),
      policy: this.#deps.config.retries,
      deps: {
        ...retry,
        onRetry: (info) => {
          if (info.failure.kind === 'rate_limit') {
            this.#rateLimitedUntil = Math.max(this.#rateLimitedUntil, retry.now() + info.delayMs);
          }
          retry.onRetry?.(info);
        },
      },
      signal,
    });
  }

  #toError(failure: CallFailure, attempts: number): Error {
    const { provider, logger, keyVariable, baseUrlVariable } = this.#deps;
    const status = failure.status === undefined ? '' : ` (HTTP ${failure.status})`;
    // A stranger's error body can be long: the first 500 characters name it well enough.
    const detail = logger.redact(failure.message).slice(0, 500);
    if (failure.kind === 'auth') {
      return new UserError(`${provider.name} refused the API key${status}: ${detail}. Check ${keyVariable}.`);
    }
    if (failure.kind === 'dns') {
      return new InfraError(
        `${provider.name}: ${detail}; check ${baseUrlVariable} / llm.${provider.name}.base_url and the network.`,
      );
    }
    if (failure.kind === 'connection') {
      return new InfraError(
        `Cannot reach ${provider.name} at ${provider.endpoint} after ${attempts} attempt(s): ${detail}. ` +
          'Check the network or llm.*.base_url.',
      );
    }
    return new LlmCallError(
      `${provider.name} ${provider.model}: ${failure.kind}${status} after ${attempts} attempt(s): ${detail}`,
      { kind: failure.kind, status: failure.status, attempts },
    );
  }

  #cost(usage: ProviderAnswer['usage'], factor: number): number {
    const cost = estimateCost(this.#deps.config.prices, this.model, usage, factor);
    if (cost === undefined && !this.#warnedPrice) {
      this.#warnedPrice = true;
      this.#deps.logger.warn(`llm.prices has no entry for ${this.model}: its cost is counted as 0.`);
    }
    return cost ?? 0;
  }

  #record(
    request: Pick<PreparedRequest, 'hash' | 'provider' | 'model' | 'template' | 'labels'>,
    usage: ProviderAnswer['usage'],
    cost: number,
    cached: boolean,
    via: 'sync' | 'batch',
  ) {
    this.ledger.add({
      request_hash: request.hash,
      provider: request.provider,
      model: request.model,
      template: request.template,
      stage: request.labels.stage,
      dataset: request.labels.dataset,
      via,
      cached,
      usage,
      cost_usd: cost,
    });
  }
}
