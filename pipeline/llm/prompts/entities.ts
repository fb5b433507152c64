import { z } from 'zod';
import { type BriefLimits, type DatasetBrief, renderBrief } from './context.ts';
import { jsonOnly, type PromptTemplate } from './template.ts';

export const entitiesAnswerSchema = z.object({
  entity_columns: z
    .array(z.string())
    .describe('Columns identifying independent series; empty for one series.'),
  reason: z.string(),
});
export type EntitiesAnswer = z.infer<typeof entitiesAnswerSchema>;

export interface EntitiesArgs {
  brief: DatasetBrief;
  limits: BriefLimits;
  timeColumn: string;
  target: string[];
}

const system = `You check the structure of a time-series table for a forecasting benchmark.
Some tables hold several independent series side by side (one per store, country, stock, sensor...): the time
column then repeats once per series, and a low-cardinality column names the series. List those entity columns,
or an empty list when the table is a single series. Never list the time column, the target, or a column whose
value changes within one series.
${jsonOnly}`;

export const entitiesTemplate: PromptTemplate<EntitiesArgs, EntitiesAnswer> = {
  name: 'time_series_entities',
  version: '1',
  schemaName: 'time_series_entities',
  schema: entitiesAnswerSchema,
  messages: ({ brief, limits, timeColumn, target }) => [
    { role: 'system', content: system },
    {
      role: 'user',
      content: `${renderBrief(brief, limits)}\n\nTime column: ${JSON.stringify(timeColumn)}. Target: ${JSON.stringify(target)}.\nWhich columns identify independent series?`,
    },
  ],
};
