import { z } from 'zod';
import type { LlmConfig } from '../../config/sections/llm.ts';
import { UserError } from '../../errors.ts';
import { LlmCache } from '../../llm/cache.ts';
import { LlmCallError } from '../../llm/errors.ts';
import { estimateCost, UsageLedger } from '../../llm/ledger.ts';
import { type RetryDeps, withRetries } from '../../llm/retry.ts';
import type { Logger } from '../../logger.ts';
import { hashValue } from '../../util/hash.ts';
import { Semaphore } from '../../util/limit.ts';
import type { ModelTurn, TranscriptMessage } from '../transcript.ts';
import type { AgentModelClient } from './types.ts';

const TEMPLATE = 'eval-agent';
const TEMPLATE_VERSION = 'eval-agent/1';

const cachedTurnSchema = z.strictObject({
  content: z.string(),
  tool_calls: z.array(z.strictObject({ id: z.string(), name: z.string(), arguments: z.string() })),
});

export interface ModelCall {
  turn: ModelTurn;
  /** True for an answer replayed from the cache: no tokens spent, no cost. */
  cached: boolean;
  cost_usd: number;
  request_hash: string;
}

export interface EvalModelOptions {
  /** `<provider>:<model>` as given to --model (part of the cache key). */
  spec: string;
  provider: string;
  model: string;
  client: AgentModelClient;
  /** The provider-shaped tools sent with every call (part of the cache key). */
  tools: readonly unknown[];
  llm: LlmConfig;
  /** The folder holding `_llm_cache/` (the model's results folder). */
  cacheRoot: string;
  logger: Logger;
  retry: RetryDeps;
  keyVariable: string;
  signal?: AbortSignal;
}

/**
 * The agent under test behind the LLM cache, our retry policy, a concurrency limit and the cost
 * ledger. The cache key hashes provider, model, messages, tools, settings and the repeat index,
 * so a killed eval replays what it already paid for and repeats stay distinct draws.
 */
export class EvalModel {
  readonly ledger = new UsageLedger();
  readonly #options: EvalModelOptions;
  readonly #cache: LlmCache;
  readonly #limit: Semaphore;
  #warnedPrice = false;

  constructor(options: EvalModelOptions) {
    this.#options = options;
    this.#cache = new LlmCache(options.cacheRoot);
    this.#limit = new Semaphore(options.llm.concurrency);
  }

  get spec(): string {
    return this.#options.spec;
  }

  get tools(): readonly unknown[] {
    return this.#options.tools;
  }

  requestHash(messages: readonly TranscriptMessage[], repeat: number): string {
    const { provider, model, client, tools, llm } = this.#options;
    return hashValue({
      kind: TEMPLATE_VERSION,
      provider,
      model,
      protocol: client.protocol,
      messages,
      tools,
      settings: { temperature: llm.temperature, max_tokens: llm.max_tokens },
      repeat,
    });
  }

  async call(messages: readonly TranscriptMessage[], repeat: number, task: string): Promise<ModelCall> {
    const { provider, model, llm } = this.#options;
    const hash = this.requestHash(messages, repeat);
    const labels = { stage: 'eval', dataset: task };
    const hit = llm.cache === 'off' ? undefined : await this.#cache.get(hash);
    const replayed = hit ? cachedTurnSchema.safeParse(safeJson(hit.text)) : undefined;
    if (hit && replayed?.success) {
      const zero = { input_tokens: 0, output_tokens: 0 };
      this.#record(hash, zero, 0, true, labels);
      return { turn: { ...replayed.data, usage: hit.usage }, cached: true, cost_usd: 0, request_hash: hash };
    }
    if (llm.cache === 'replay') {
      throw new UserError(
        `No cached answer for an eval model call (request ${hash.slice(0, 12)}) and llm.cache is replay: set llm.cache to read_write to call ${provider}.`,
      );
    }
    const turn = await this.#limit.run(() => this.#retried(hash, messages));
    if (llm.cache !== 'off') {
      const text = JSON.stringify({ content: turn.content, tool_calls: turn.tool_calls });
      await this.#cache.put(
        { hash, provider, model, template: TEMPLATE, templateVersion: TEMPLATE_VERSION },
        { text, usage: turn.usage },
        'sync',
      );
    }
    const cost = this.#cost(turn.usage);
    this.#record(hash, turn.usage, cost, false, labels);
    return { turn, cached: false, cost_usd: cost, request_hash: hash };
  }

  #retried(hash: string, messages: readonly TranscriptMessage[]): Promise<ModelTurn> {
    const { client, retry, signal, logger, provider, model, keyVariable } = this.#options;
    return withRetries({
      what: `eval turn ${hash.slice(0, 12)}`,
      call: () => client.turn(messages, this.#options.tools, signal),
      classify: (error) => client.classify(error),
      toError: (failure, attempts) => {
        const status = failure.status === undefined ? '' : ` (HTTP ${failure.status})`;
        const detail = logger.redact(failure.message).slice(0, 500);
        if (failure.kind === 'auth') {
          return new UserError(
            `${provider} refused the API key${status}: ${detail}. Check ${keyVariable}.`,
            1,
          );
        }
        if (failure.kind === 'connection' || failure.kind === 'dns') {
          return new UserError(
            `Cannot reach ${provider} at ${client.endpoint} after ${attempts} attempt(s): ${detail}. Check --base-url or the network.`,
            1,
          );
        }
        return new LlmCallError(
          `${provider} ${model}: ${failure.kind}${status} after ${attempts} attempt(s): ${detail}`,
          {
            kind: failure.kind,
            status: failure.status,
            attempts,
          },
        );
      },
      policy: this.#options.llm.retries,
      deps: retry,
      signal,
    });
  }

  #cost(usage: ModelTurn['usage']): number {
    // A scripted agent is ours and free: no price, no warning.
    if (this.#options.provider === 'scripted') return 0;
    const cost = estimateCost(this.#options.llm.prices, this.#options.model, usage);
    if (cost === undefined && !this.#warnedPrice) {
      this.#warnedPrice = true;
      this.#options.logger.warn(
        `llm.prices has no entry for ${this.#options.model}: its cost is counted as 0.`,
      );
    }
    return cost ?? 0;
  }

  #record(
    hash: string,
    usage: ModelTurn['usage'],
    cost: number,
    cached: boolean,
    labels: { stage: string; dataset: string },
  ): void {
    this.ledger.add({
      request_hash: hash,
      provider: this.#options.provider,
      model: this.#options.model,
      template: TEMPLATE,
      stage: labels.stage,
      dataset: labels.dataset,
      via: 'sync',
      cached,
      usage,
      cost_usd: cost,
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
