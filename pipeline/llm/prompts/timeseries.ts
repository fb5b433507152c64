import { z } from 'zod';
import { type BriefLimits, type DatasetBrief, renderBrief } from './context.ts';
import { jsonOnly, type PromptTemplate } from './template.ts';

export const timeSeriesAnswerSchema = z.object({
  suitable: z.boolean(),
  reason: z.string().describe('One sentence: why (not) suitable.'),
  time_column: z.string().nullable(),
  time_format: z
    .string()
    .nullable()
    .describe('Python strftime format that parses every value, e.g. "%Y-%m-%d".'),
  target: z.array(z.string()).describe('Numeric column(s) to forecast.'),
  exogenous_features: z.array(z.string()).describe('Other columns observed at each time point.'),
  column_types: z.array(z.object({ column: z.string(), type: z.enum(['numeric', 'object']) })),
});
export type TimeSeriesAnswer = z.infer<typeof timeSeriesAnswerSchema>;

const system = `You design forecasting tasks for a benchmark of data-science agents.
Decide whether the table supports a time-series task with a chronological train/validation split. Be strict;
the default is "not suitable". Checklist (all must hold):
1. A timestamp column orders the rows (dates or date-times, not a bare year or an id).
2. A numeric target varies over time and is worth forecasting.
3. Observations are sequential: regular (daily, hourly, monthly, ...) or can be resampled to a regular step.
If suitable, name the time column, its exact Python strftime format as the values are written in the file (e.g.
"%Y-%m-%d", "%d/%m/%Y %H:%M:%S"), the target, the exogenous features (other columns observed at each time
point; never the target, the time column or identifiers) and, for the target and every feature, "numeric" or
"object".
${jsonOnly}`;

export const timeSeriesTemplate: PromptTemplate<
  { brief: DatasetBrief; limits: BriefLimits },
  TimeSeriesAnswer
> = {
  name: 'time_series_design',
  version: '1',
  schemaName: 'time_series_design',
  schema: timeSeriesAnswerSchema,
  messages: ({ brief, limits }) => [
    { role: 'system', content: system },
    { role: 'user', content: `${renderBrief(brief, limits)}\n\nDesign the time-series task.` },
  ],
};
