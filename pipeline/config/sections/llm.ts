import { z } from 'zod';

const price = z
  .strictObject({
    input_usd_per_mtok: z.number().min(0).describe('USD per million input (prompt) tokens.'),
    output_usd_per_mtok: z.number().min(0).describe('USD per million output (completion) tokens.'),
  })
  .describe('Price of one model, for cost estimates only.');

/** List prices at the time of writing; estimates only, override them in config. */
const defaultPrices: Record<string, z.infer<typeof price>> = {
  'gpt-4o-mini': { input_usd_per_mtok: 0.15, output_usd_per_mtok: 0.6 },
  'gpt-4o': { input_usd_per_mtok: 2.5, output_usd_per_mtok: 10 },
  'gpt-4.1-mini': { input_usd_per_mtok: 0.4, output_usd_per_mtok: 1.6 },
  'gpt-4.1': { input_usd_per_mtok: 2, output_usd_per_mtok: 8 },
  'claude-haiku-4-5': { input_usd_per_mtok: 1, output_usd_per_mtok: 5 },
  'claude-sonnet-4-5': { input_usd_per_mtok: 3, output_usd_per_mtok: 15 },
  'claude-sonnet-4-6': { input_usd_per_mtok: 3, output_usd_per_mtok: 15 },
  'claude-opus-4-1': { input_usd_per_mtok: 15, output_usd_per_mtok: 75 },
};

/** A base URL never carries credentials: keys come from the environment, and config gets printed. */
const baseUrl = z.url().refine((url) => !/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(url), {
  message: 'must not contain a user name or password; put the key in OPENAI_API_KEY / ANTHROPIC_API_KEY',
});

const openaiProvider = z
  .strictObject({
    base_url: baseUrl
      .optional()
      .describe(
        'API base URL including /v1 (vLLM, Ollama, llama.cpp servers). Unset: OPENAI_BASE_URL, else api.openai.com.',
      ),
    model: z.string().min(1).default('gpt-4o-mini').describe('Model used when draft.provider is openai.'),
  })
  .describe('OpenAI or any OpenAI-compatible server (key from OPENAI_API_KEY).');

const anthropicProvider = z
  .strictObject({
    base_url: baseUrl
      .optional()
      .describe('API base URL without /v1. Unset: ANTHROPIC_BASE_URL, else api.anthropic.com.'),
    model: z
      .string()
      .min(1)
      .default('claude-sonnet-4-6')
      .describe('Model used when draft.provider is anthropic.'),
    structured_output: z
      .enum(['tool', 'json_schema'])
      .default('tool')
      .describe(
        'tool: one forced tool call whose input_schema is the answer schema; json_schema: output_config.format.',
      ),
  })
  .describe('Anthropic (key from ANTHROPIC_API_KEY).');

const retries = z
  .strictObject({
    max_attempts: z
      .int()
      .min(1)
      .max(20)
      .default(5)
      .describe(
        'Attempts per call, first included; only 429, 408, 5xx, timeouts and dropped connections retry (never a 200 with a malformed body, another 4xx or a DNS failure).',
      ),
    base_delay_ms: z
      .int()
      .min(0)
      .default(1000)
      .describe('First backoff delay; doubles per attempt, with jitter (half fixed, half random).'),
    max_delay_ms: z.int().min(0).default(60_000).describe('Cap on the exponential backoff delay.'),
    max_retry_after_ms: z
      .int()
      .min(0)
      .default(300_000)
      .describe('Cap on a server-requested wait (retry-after / retry-after-ms headers).'),
  })
  .describe('Retries (the SDKs own retries are off so this policy is the only one).');

const batch = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        'Corpus runs (half price): first-round draft requests of all pending datasets go as one provider batch; ' +
          'follow-ups are synchronous; datasets still waiting end as llm_batch_pending and resume on the next run.',
      ),
    poll_interval_ms: z.int().min(1).default(30_000).describe('Wait between two status polls of a batch.'),
    max_wait_ms: z
      .int()
      .min(0)
      .default(86_400_000)
      .describe(
        'Stop polling after this long; batch ids stay in processed/_llm_batches, so a rerun resumes.',
      ),
    max_requests: z
      .int()
      .min(1)
      .max(50_000)
      .default(10_000)
      .describe('Requests per submitted batch (larger sets are split).'),
    completion_window: z
      .enum(['24h'])
      .default('24h')
      .describe('OpenAI batch completion window (the API knows only 24h).'),
    price_factor: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('Batch price as a fraction of the list price (both providers bill batches at half price).'),
  })
  .describe('Provider batch APIs (OpenAI Batch, Anthropic Message Batches).');

export const llmSection = z
  .strictObject({
    model: z
      .string()
      .min(1)
      .optional()
      .describe("Overrides the chosen provider's model (openai.model / anthropic.model)."),
    openai: openaiProvider.prefault({}),
    anthropic: anthropicProvider.prefault({}),
    max_tokens: z
      .int()
      .min(1)
      .default(4096)
      .describe(
        'Maximum output tokens per call. Not part of the cache key: cached answers are reused when it changes.',
      ),
    temperature: z
      .number()
      .min(0)
      .max(2)
      .default(0)
      .describe(
        'Sampling temperature (0: most repeatable). Not part of the cache key: to draw new answers after ' +
          'changing it, run draft with --force and llm.cache: off.',
      ),
    concurrency: z
      .int()
      .min(1)
      .max(256)
      .default(4)
      .describe('Provider calls in flight at once, across datasets.'),
    timeout_ms: z
      .int()
      .min(1)
      .default(120_000)
      .describe(
        'Timeout of one call, the whole answer body included (a trickling answer times out too); a timed-out call is retried.',
      ),
    max_answer_bytes: z
      .int()
      .min(1024)
      .default(2 * 1024 ** 2)
      .describe(
        'Largest provider answer read (the HTTP body of one call; the text of one batch answer). A larger one is not read further or stored: llm_answer_too_large.',
      ),
    retries: retries.prefault({}),
    cache: z
      .enum(['read_write', 'replay', 'off'])
      .default('read_write')
      .describe(
        'read_write: answers are kept under processed/_llm_cache and replayed; replay: a cache miss is an error (no provider calls); off: always call.',
      ),
    prices: z
      .record(z.string(), price)
      .default(defaultPrices)
      .describe('Price per model for cost estimates; setting this replaces the built-in table.'),
    batch: batch.prefault({}),
  })
  .describe('LLM providers (keys come from OPENAI_API_KEY / ANTHROPIC_API_KEY, never from config).');

export type LlmConfig = z.infer<typeof llmSection>;
