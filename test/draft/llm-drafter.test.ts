import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asDatasetId } from '../../pipeline/ids.ts';
import { promptVersions } from '../../pipeline/llm/prompts/index.ts';
import { run } from '../../pipeline/stages/draft/index.ts';
import { readStatus } from '../../pipeline/store/status.ts';
import { ScriptedLlm } from './scripted-llm.ts';
import { profiledFixtures, readDraft, type Workdir } from './workdir.ts';

const extrovert = asDatasetId('rakeshkapilavai_extrovert-vs-introvert-behavior-data');
const crypto = asDatasetId('albertobircoci_top10-cryptocurrencies-03-2025');

let work: Workdir;

beforeAll(async () => {
  work = await profiledFixtures(
    ['rakeshkapilavai/extrovert-vs-introvert-behavior-data', 'albertobircoci/top10-cryptocurrencies-03-2025'],
    'draft:\n  provider: openai\n',
  );
});
afterAll(async () => work?.dispose());

const domain = { domain: 'health', reason: 'psychology' };
const noSeries = {
  suitable: false,
  reason: 'no time column',
  time_column: null,
  time_format: null,
  target: [],
  exogenous_features: [],
  column_types: [],
};
const notTabular = { ...noTabularFields(), suitable: false, reason: 'one long price series' };
function noTabularFields() {
  return { problem_type: null, target_candidates: [], target: [], features: [], column_types: [] };
}
function personality(target: string, problem: 'classification' | 'regression' = 'classification') {
  return {
    suitable: true,
    reason: 'labelled survey rows',
    problem_type: problem,
    target_candidates: [target],
    target: [target],
    features: ['Time_spent_Alone', 'Stage_fear'],
    column_types: [
      { column: target, type: 'categorical' },
      { column: 'Time_spent_Alone', type: 'numerical' },
      { column: 'Stage_fear', type: 'categorical' },
    ],
  };
}

describe('draft stage, LLM drafter (scripted client at the boundary)', () => {
  it('retries a hallucinated column once, quoting the problem, then keeps the corrected design', async () => {
    const llm = new ScriptedLlm({
      domain_label: [domain],
      tabular_design: [personality('Personality_Type'), personality('Personality')],
      time_series_design: [noSeries],
    });
    const summary = await run({ ...work.ctx, llm: async () => llm }, { only: [extrovert], force: true });
    expect(summary).toMatchObject({ ok: 1 });
    expect(llm.templatesCalled()).toEqual([
      'domain_label',
      'tabular_design',
      'tabular_design',
      'time_series_design',
    ]);
    const retry = llm.requests[2]?.messages ?? [];
    expect(retry.at(-2)).toMatchObject({ role: 'assistant' });
    expect(retry.at(-1)?.content).toContain('target "Personality_Type" is not a column of the table');

    const draft = await readDraft(work.ctx, extrovert);
    expect(draft).toMatchObject({
      drafted_by: 'openai',
      provider: 'openai',
      model: 'scripted-model',
      prompt_versions: promptVersions,
      domain: 'health',
      primary_family: 'classification',
      families: {
        classification: {
          status: 'ok',
          decision: { target: ['Personality'], related_features: ['Time_spent_Alone', 'Stage_fear'] },
        },
        regression: { status: 'declined', reason: 'not_chosen' },
        time_series: { status: 'declined', reason: 'llm_unsuitable' },
      },
    });
    expect(draft.requests).toHaveLength(4);
    expect(draft.requests[1]).toMatchObject({
      template: 'tabular_design',
      template_version: '1',
      input_tokens: 100,
      output_tokens: 20,
      cost_usd: 0.0001,
      cached: false,
    });
    expect(new Set(draft.requests.map((request) => request.request_hash)).size).toBe(4);
  });

  it('rejects the dataset with llm_invalid_column when the retry is invalid too; nothing invalid is written', async () => {
    const llm = new ScriptedLlm({
      domain_label: [domain],
      tabular_design: [personality('Personality_Type'), personality('personality')],
      time_series_design: [noSeries],
    });
    const summary = await run({ ...work.ctx, llm: async () => llm }, { only: [extrovert], force: true });
    expect(summary.rejected).toEqual({ llm_invalid_column: 1 });
    expect((await readStatus(work.ctx.paths, 'draft', extrovert))?.outcome).toMatchObject({
      status: 'rejected',
      reason: 'llm_invalid_column',
    });
    const draft = await readDraft(work.ctx, extrovert);
    expect(draft.families.classification).toMatchObject({ status: 'declined', reason: 'llm_invalid_column' });
    expect(draft.families.regression).toMatchObject({ status: 'declined', reason: 'llm_invalid_column' });
    expect(draft.primary_family).toBeNull();
  });

  it('declines a regression on a text target as llm_invalid_target_type', async () => {
    const llm = new ScriptedLlm({
      domain_label: [domain],
      tabular_design: [personality('Personality', 'regression'), personality('Personality', 'regression')],
      time_series_design: [noSeries],
    });
    const summary = await run({ ...work.ctx, llm: async () => llm }, { only: [extrovert], force: true });
    expect(summary.rejected).toEqual({ llm_invalid_target_type: 1 });
    const draft = await readDraft(work.ctx, extrovert);
    expect(draft.families.regression).toMatchObject({
      status: 'declined',
      reason: 'llm_invalid_target_type',
    });
  });

  it('catches a time format that does not parse the raw values, and a schema-invalid answer, each retried once', async () => {
    const series = (format: string) => ({
      suitable: true,
      reason: 'daily prices',
      time_column: 'Date',
      time_format: format,
      target: ['btc_closing_price'],
      exogenous_features: ['btc_volume'],
      column_types: [
        { column: 'btc_closing_price', type: 'numeric' },
        { column: 'btc_volume', type: 'numeric' },
      ],
    });
    const llm = new ScriptedLlm({
      domain_label: [{ domain: 'finance', reason: 'crypto' }],
      tabular_design: [notTabular],
      time_series_design: [series('%Y-%m-%d'), series('%d/%m/%Y')],
      time_series_entities: [{ entity_columns: 'none' }, { entity_columns: [], reason: 'one series' }],
      time_series_resample: [{ needed: false, rule: null, aggregation: null, reason: 'daily and regular' }],
    });
    const summary = await run({ ...work.ctx, llm: async () => llm }, { only: [crypto], force: true });
    expect(summary).toMatchObject({ ok: 1 });
    const formatRetry = llm.requests[3]?.messages.at(-1)?.content ?? '';
    expect(formatRetry).toMatch(
      /"%Y-%m-%d" does not parse \d+ of \d+ sample values of "Date", e\.g\. \["\d\d\/\d\d\/\d{4}"/,
    );
    const schemaRetry = llm.requests[5]?.messages.at(-1)?.content ?? '';
    expect(schemaRetry).toContain('entity_columns');
    const draft = await readDraft(work.ctx, crypto);
    expect(draft.families.time_series).toEqual({
      status: 'ok',
      decision: {
        time_column: 'Date',
        time_format: '%d/%m/%Y',
        target: ['btc_closing_price'],
        related_features: ['btc_volume'],
        entity_columns: [],
        column_type_inference: { btc_closing_price: 'numeric', btc_volume: 'numeric' },
        resample: null,
      },
    });
    expect(draft.primary_family).toBe('time_series');
    expect(draft.requests.map((request) => request.template)).toEqual([
      'domain_label',
      'tabular_design',
      'time_series_design',
      'time_series_design',
      'time_series_entities',
      'time_series_entities',
      'time_series_resample',
    ]);
  });

  it('rejects a bad time format twice as llm_invalid_time_format', async () => {
    const series = {
      suitable: true,
      reason: 'daily prices',
      time_column: 'Date',
      time_format: '%Y-%q',
      target: ['btc_closing_price'],
      exogenous_features: [],
      column_types: [{ column: 'btc_closing_price', type: 'numeric' }],
    };
    const llm = new ScriptedLlm({
      domain_label: [{ domain: 'finance', reason: 'crypto' }],
      tabular_design: [notTabular],
      time_series_design: [series, { ...series, time_format: '%m/%d/%Y' }],
    });
    const summary = await run({ ...work.ctx, llm: async () => llm }, { only: [crypto], force: true });
    expect(summary.rejected).toEqual({ llm_invalid_time_format: 1 });
    const draft = await readDraft(work.ctx, crypto);
    expect(draft.families.time_series).toMatchObject({
      status: 'declined',
      reason: 'llm_invalid_time_format',
    });
  });
});
