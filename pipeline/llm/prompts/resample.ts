import { z } from 'zod';
import { type BriefLimits, type DatasetBrief, renderBrief } from './context.ts';
import { jsonOnly, type PromptTemplate } from './template.ts';

export const aggregations = ['mean', 'sum', 'last', 'first', 'max', 'min'] as const;

export const resampleAnswerSchema = z.object({
  needed: z.boolean(),
  rule: z
    .string()
    .nullable()
    .describe('pandas offset alias such as 1min, 5min, 1H, 1D, W, MS; null when not needed.'),
  aggregation: z
    .enum(aggregations)
    .nullable()
    .describe('How target values within one step combine; null when not needed.'),
  reason: z.string(),
});
export type ResampleAnswer = z.infer<typeof resampleAnswerSchema>;

export interface ResampleArgs {
  brief: DatasetBrief;
  limits: BriefLimits;
  timeColumn: string;
  target: string[];
  entityColumns: string[];
}

const system = `You prepare a time series for a forecasting benchmark.
Decide whether the series must be resampled to a regular step before splitting: needed when time points are
irregular, duplicated within one series, or much finer than the task needs. If needed, give the pandas offset
alias (1min, 5min, 15min, 1H, 1D, W, MS, QS, YS) and how target values within one step combine (sums for counts
and amounts, mean for levels and rates, last for prices at close). If not needed, rule and aggregation are null.
${jsonOnly}`;

export const resampleTemplate: PromptTemplate<ResampleArgs, ResampleAnswer> = {
  name: 'time_series_resample',
  version: '1',
  schemaName: 'time_series_resample',
  schema: resampleAnswerSchema,
  messages: ({ brief, limits, timeColumn, target, entityColumns }) => [
    { role: 'system', content: system },
    {
      role: 'user',
      content: `${renderBrief(brief, limits)}\n\nTime column: ${JSON.stringify(timeColumn)}. Target: ${JSON.stringify(target)}. Entity columns: ${JSON.stringify(entityColumns)}.\nIs resampling needed?`,
    },
  ],
};
