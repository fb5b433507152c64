import { z } from 'zod';
import { type BriefLimits, type DatasetBrief, renderBrief } from './context.ts';
import { jsonOnly, type PromptTemplate } from './template.ts';

export const tabularAnswerSchema = z.object({
  suitable: z.boolean().describe('True only if every checklist item holds.'),
  reason: z.string().describe('One sentence: why (not) suitable.'),
  problem_type: z.enum(['classification', 'regression']).nullable(),
  target_candidates: z.array(z.string()).describe('Up to 3 plausible target columns, best first.'),
  target: z.array(z.string()).describe('The chosen target column(s), usually one.'),
  features: z.array(z.string()).describe('Feature columns, in table order; never a target.'),
  column_types: z.array(z.object({ column: z.string(), type: z.enum(['numerical', 'categorical']) })),
});
export type TabularAnswer = z.infer<typeof tabularAnswerSchema>;

const system = `You design supervised-learning tasks for a benchmark of data-science agents.
Decide whether the table supports a tabular task solved by logistic regression (classification) or linear
regression (regression) on a random train/validation split. Be strict; the default is "not suitable".
Checklist (all must hold):
1. Rows are independent observations (not one long time-ordered series where the future leaks into the past).
2. One column is a meaningful prediction target: a class label with few distinct values (classification) or a
   varying numeric quantity (regression). Identifiers, free text and dates are never targets.
3. At least one other column is a plausible predictor known before the target.
Then give up to 3 target candidates (best first), the chosen target, the feature columns (no identifiers, free
text, URLs, or columns that simply restate the target) and, for the target and every feature, whether it is
"numerical" or "categorical" (numeric codes with few values that name categories are categorical).
${jsonOnly}`;

export const tabularTemplate: PromptTemplate<{ brief: DatasetBrief; limits: BriefLimits }, TabularAnswer> = {
  name: 'tabular_design',
  version: '1',
  schemaName: 'tabular_design',
  schema: tabularAnswerSchema,
  messages: ({ brief, limits }) => [
    { role: 'system', content: system },
    { role: 'user', content: `${renderBrief(brief, limits)}\n\nDesign the tabular task.` },
  ],
};
