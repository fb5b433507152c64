import type { LlmConfig } from '../config/sections/llm.ts';
import { estimateCost } from '../llm/ledger.ts';
import { type ProviderName, prepareRequest } from '../llm/request.ts';
import type { CompleteRequest, CompleteResult, LlmClient } from '../llm/types.ts';
import { estimateTokens } from './tokens.ts';

/**
 * The draft stage asked for a paid call after the run's spend reached --max-cost-usd. The
 * runner turns it into error(budget_exhausted): not fresh, so the next run retries it.
 */
export class BudgetExhausted extends Error {
  readonly reason = 'budget_exhausted';
}

function providerName(name: string): ProviderName {
  if (name === 'openai' || name === 'anthropic') return name;
  throw new Error(`the spend cap needs an openai or anthropic client, not ${JSON.stringify(name)}`);
}

/**
 * Wraps the LLM client with a spend cap. A call is refused once the spend so far plus the
 * estimates of calls in flight reaches the cap, so concurrency cannot overshoot it by much;
 * cached answers cost nothing and are always served, so a capped rerun resumes where the
 * last one stopped without paying twice.
 */
export class BudgetedLlmClient implements LlmClient {
  readonly provider: string;
  readonly model: string;
  /** Estimated USD spent by this run (provider calls only; cache hits are free). */
  spent = 0;
  /** Calls refused because the budget was reached. */
  refused = 0;
  #reserved = 0;
  readonly #inner: LlmClient;
  readonly #maxCostUsd: number;
  readonly #config: LlmConfig;

  constructor(inner: LlmClient, maxCostUsd: number, config: LlmConfig) {
    this.#inner = inner;
    this.#maxCostUsd = maxCostUsd;
    this.#config = config;
    this.provider = inner.provider;
    this.model = inner.model;
  }

  async complete<T>(request: CompleteRequest<T>): Promise<CompleteResult<T>> {
    const prepared = prepareRequest(providerName(this.provider), this.model, request);
    const cached =
      this.#config.cache !== 'off' && (await this.#inner.cache?.get(prepared.hash)) !== undefined;
    if (cached) return this.#inner.complete(request);
    const estimate =
      estimateCost(this.#config.prices, this.model, estimateTokens(prepared.messages, this.#config)) ?? 0;
    if (this.spent + this.#reserved + estimate > this.#maxCostUsd || this.spent >= this.#maxCostUsd) {
      this.refused += 1;
      throw new BudgetExhausted(
        `--max-cost-usd ${this.#maxCostUsd} reached (spent about $${this.spent.toFixed(4)}): ` +
          `${request.template} not sent; rerun (with a higher cap) to continue, cached answers cost nothing`,
      );
    }
    this.#reserved += estimate;
    try {
      const result = await this.#inner.complete(request);
      this.spent = Math.round((this.spent + result.cost_usd) * 1e8) / 1e8;
      return result;
    } finally {
      this.#reserved -= estimate;
    }
  }
}
