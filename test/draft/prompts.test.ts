import { describe, expect, it } from 'vitest';
import { renderBrief } from '../../pipeline/llm/prompts/context.ts';
import {
  domainTemplate,
  entitiesTemplate,
  promptVersions,
  resampleTemplate,
  rewriteTemplate,
  tabularTemplate,
  timeSeriesTemplate,
} from '../../pipeline/llm/prompts/index.ts';
import { droppedIdentifiers } from '../../pipeline/llm/prompts/rewrite.ts';
import { toRequest } from '../../pipeline/llm/prompts/template.ts';
import { validateTimeSeries } from '../../pipeline/stages/draft/validate.ts';
import type { ColumnProfile, TableProfile } from '../../pipeline/stages/profile/schema.ts';
import { tableProfileSchema } from '../../pipeline/stages/profile/schema.ts';

function column(name: string, extra: Partial<ColumnProfile>): ColumnProfile {
  return {
    name,
    physical_type: 'DOUBLE',
    semantic_type: 'numeric',
    null_fraction: 0,
    null_count: 0,
    distinct_count: 100,
    min: 0,
    max: 10,
    mean: 5,
    std: 2,
    quantiles: null,
    top_values: [],
    datetime: null,
    avg_length: null,
    ...extra,
  };
}

const table: TableProfile = tableProfileSchema.parse({
  file: 'sales.csv',
  format: 'csv',
  bytes: 1000,
  rows: 200,
  column_count: 3,
  dialect: { delimiter: ',', quote: '"', escape: '"', header: true, encoding: 'utf-8' },
  columns: [
    column('day', {
      physical_type: 'VARCHAR',
      semantic_type: 'datetime',
      distinct_count: 100,
      min: '2020-01-01',
      max: '2020-04-09',
      mean: null,
      std: null,
      top_values: [{ value: '2020-01-01', count: 2 }],
      datetime: {
        min: '2020-01-01',
        max: '2020-04-09',
        inferred_frequency: '1D',
        regularity: 1,
        format: '%Y-%m-%d',
      },
    }),
    column('shop "A"', {
      physical_type: 'VARCHAR',
      semantic_type: 'categorical',
      distinct_count: 2,
      min: null,
      max: null,
      mean: null,
      std: null,
    }),
    column('sales', {}),
  ],
  preview: [['2020-01-01', 'north', '3.5']],
  warnings: [],
});
const brief = {
  title: 'Shop sales',
  subtitle: 'daily',
  keywords: ['retail'],
  description: 'Sales of two shops.',
  table,
};
const limits = { previewRows: 5, descriptionChars: 100 };
const samples = () => ['2020-01-01', '2020-04-09'];
const validationLimits = { max_classes: 20, min_regression_distinct: 10, max_entities: 50 };

describe('prompt templates', () => {
  it('show the exact column names, the profile, preview rows and the description', () => {
    const text = renderBrief(brief, limits);
    expect(text).toContain('1. "day"; VARCHAR/datetime');
    expect(text).toContain('2. "shop \\"A\\""');
    expect(text).toContain('step 1D (regularity 1.00)');
    expect(text).toContain('2020-01-01,north,3.5');
    expect(text).toContain('Sales of two shops.');
  });

  it('are versioned, named for the provider schema, and recorded in promptVersions', () => {
    for (const template of [
      tabularTemplate,
      timeSeriesTemplate,
      entitiesTemplate,
      resampleTemplate,
      domainTemplate,
      rewriteTemplate,
    ]) {
      expect(promptVersions[template.name]).toBe(template.version);
      expect(template.schemaName).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    }
    const request = toRequest(
      entitiesTemplate,
      { brief, limits, timeColumn: 'day', target: ['sales'] },
      { stage: 'draft', dataset: 'x' },
    );
    expect(request).toMatchObject({
      template: 'time_series_entities',
      templateVersion: '1',
      labels: { stage: 'draft' },
    });
    expect(request.messages.at(-1)?.content).toContain('Time column: "day"');
  });

  it('rewrite: the answer schema refuses an empty question, and dropped backticked names are found', () => {
    expect(rewriteTemplate.schema.safeParse({ question: '' }).success).toBe(false);
    const messages = rewriteTemplate.messages({
      question: 'Predict `sales` from `train.csv`.',
      columnDescriptions: [{ name: 'sales', description: 'units sold' }],
    });
    expect(messages.at(-1)?.content).toContain('- `sales`: units sold');
    expect(
      droppedIdentifiers('Use `train.csv` to predict `sales`.', 'Use the units sold (`sales`).'),
    ).toEqual(['train.csv']);
  });
});

describe('time-series validation', () => {
  const decision = {
    time_column: 'day',
    time_format: '%Y-%m-%d',
    target: ['sales'],
    related_features: [],
    entity_columns: ['shop "A"'],
    column_type_inference: { sales: 'numeric' as const },
    resample: null,
  };

  it('accepts a consistent design', () => {
    expect(validateTimeSeries(table, decision, validationLimits, samples)).toEqual([]);
  });

  it('names each problem: unknown entity, entity used as feature, bad resample rule, non-numeric target', () => {
    const kinds = (overrides: object) =>
      validateTimeSeries(table, { ...decision, ...overrides }, validationLimits, samples).map(
        (issue) => issue.what,
      );
    expect(kinds({ entity_columns: ['shop'] })).toEqual(['column']);
    expect(kinds({ related_features: ['shop "A"'] })).toContain('features');
    expect(kinds({ resample: { rule: 'daily', aggregation: 'mean' } })).toEqual(['resample_rule']);
    expect(
      kinds({ target: ['shop "A"'], entity_columns: [], column_type_inference: { 'shop "A"': 'object' } }),
    ).toEqual(['target_type']);
    expect(kinds({ time_column: 'sales' })).toContain('time_format');
  });
});
