import { z } from 'zod';

export const draftSection = z
  .strictObject({
    provider: z
      .enum(['offline', 'openai', 'anthropic'])
      .default('offline')
      .describe(
        'Who designs tasks: offline heuristics (no network), OpenAI or an OpenAI-compatible server, or Anthropic.',
      ),
    max_classes: z
      .int()
      .min(2)
      .default(20)
      .describe('A classification target may have at most this many distinct values.'),
    min_regression_distinct: z
      .int()
      .min(2)
      .default(10)
      .describe('A regression or time-series target needs at least this many distinct values.'),
    max_entities: z
      .int()
      .min(2)
      .default(200)
      .describe(
        'An entity column (identifying independent series) may have at most this many distinct values.',
      ),
    max_features: z
      .int()
      .min(1)
      .default(30)
      .describe('At most this many candidate feature columns per task (in table order).'),
    max_categories: z
      .int()
      .min(2)
      .default(50)
      .describe(
        'Categorical feature columns with more distinct values than this are left out (offline drafter).',
      ),
    min_rows: z.int().min(2).default(10).describe('Tables with fewer rows get no task (too_few_rows).'),
    min_time_points: z
      .int()
      .min(4)
      .default(30)
      .describe('A single-series time-series task needs at least this many distinct time points.'),
    min_time_points_per_entity: z
      .int()
      .min(4)
      .default(10)
      .describe(
        'A multi-series time-series task (with entity columns) needs at least this many time points.',
      ),
    prompt_preview_rows: z
      .int()
      .min(0)
      .max(50)
      .default(5)
      .describe('Preview rows shown to the LLM in each prompt.'),
    prompt_description_chars: z
      .int()
      .min(0)
      .default(4000)
      .describe('The dataset description is cut to this many characters in prompts.'),
  })
  .describe('The draft stage (LLM task design).');
