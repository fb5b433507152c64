import { z } from 'zod';

/**
 * draft.json: the task design for one dataset, per family. Every column named here exists
 * in the main table (validated before writing); nothing invalid reaches this file.
 */
const columnName = z.string().min(1);

export const tabularDecisionSchema = z.object({
  problem_type: z.enum(['classification', 'regression']),
  /** The chosen target(s); usually one. */
  target: z.array(columnName).min(1),
  /** Up to 3 candidates proposed by the designer, the chosen one first. */
  target_candidates: z.array(columnName).max(3),
  /** Candidate feature columns, in table order. */
  related_features: z.array(columnName).min(1),
  /** Every column of related_features and target: numerical or categorical. */
  column_type_inference: z.record(z.string(), z.enum(['numerical', 'categorical'])),
});
export type TabularDecision = z.infer<typeof tabularDecisionSchema>;

export const timeSeriesDecisionSchema = z.object({
  time_column: columnName,
  /** strftime format the time column parses with, e.g. "%Y-%m-%d". */
  time_format: z.string().min(2),
  target: z.array(columnName).min(1),
  /** Exogenous features known at prediction time. */
  related_features: z.array(columnName),
  /** Columns identifying independent series (empty for a single series). */
  entity_columns: z.array(columnName),
  column_type_inference: z.record(z.string(), z.enum(['numeric', 'object'])),
  resample: z
    .object({ rule: z.string().min(1), aggregation: z.enum(['mean', 'sum', 'last', 'first', 'max', 'min']) })
    .nullable(),
});
export type TimeSeriesDecision = z.infer<typeof timeSeriesDecisionSchema>;

const declined = z.object({ status: z.literal('declined'), reason: z.string(), detail: z.string() });

export const familyKeys = ['classification', 'regression', 'time_series'] as const;
export type FamilyKey = (typeof familyKeys)[number];

export const llmRequestRecordSchema = z.object({
  template: z.string(),
  template_version: z.string(),
  request_hash: z.string(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  cost_usd: z.number(),
  cached: z.boolean(),
  /** Set when the answer came from a provider batch (llm.batch) this run submitted or resumed. */
  via: z.literal('batch').optional(),
});
export type LlmRequestRecord = z.infer<typeof llmRequestRecordSchema>;

export const draftSchema = z.object({
  dataset: z.string(),
  drafted_by: z.enum(['offline', 'openai', 'anthropic']),
  provider: z.string(),
  model: z.string(),
  prompt_versions: z.record(z.string(), z.string()),
  /** The family the designer judged the best fit (the published benchmark builds one per dataset). */
  primary_family: z.enum(familyKeys).nullable().optional(),
  requests: z.array(llmRequestRecordSchema),
  /** finance, health, business, technology, automotive, education, environment, other */
  domain: z.string(),
  /** The raw file (relative to raw/<id>/files) the tasks are built from. */
  main_table: z.string(),
  families: z.object({
    classification: z.union([
      z.object({ status: z.literal('ok'), decision: tabularDecisionSchema }),
      declined,
    ]),
    regression: z.union([z.object({ status: z.literal('ok'), decision: tabularDecisionSchema }), declined]),
    time_series: z.union([
      z.object({ status: z.literal('ok'), decision: timeSeriesDecisionSchema }),
      declined,
    ]),
  }),
});
export type Draft = z.infer<typeof draftSchema>;
