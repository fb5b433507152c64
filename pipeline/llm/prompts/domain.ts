import { z } from 'zod';
import { jsonOnly, type PromptTemplate } from './template.ts';

export const domainLabels = [
  'finance',
  'health',
  'business',
  'technology',
  'automotive',
  'education',
  'environment',
  'other',
] as const;

export const domainAnswerSchema = z.object({ domain: z.enum(domainLabels), reason: z.string() });
export type DomainAnswer = z.infer<typeof domainAnswerSchema>;

export interface DomainArgs {
  title: string;
  subtitle: string;
  description: string;
  keywords: string[];
  descriptionChars: number;
}

export const domainTemplate: PromptTemplate<DomainArgs, DomainAnswer> = {
  name: 'domain_label',
  version: '1',
  schemaName: 'domain_label',
  schema: domainAnswerSchema,
  messages: ({ title, subtitle, description, keywords, descriptionChars }) => [
    {
      role: 'system',
      content: `Label the subject domain of a dataset with exactly one of: ${domainLabels.join(', ')}. Use "other" when none fits well.\n${jsonOnly}`,
    },
    {
      role: 'user',
      content: `Title: ${title}\nSubtitle: ${subtitle}\nKeywords: ${keywords.join(', ')}\nDescription:\n${description.slice(0, descriptionChars) || '(none)'}`,
    },
  ],
};
