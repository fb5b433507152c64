import type { Config } from '../../config/schema.ts';
import type { BriefLimits, DatasetBrief } from '../../llm/prompts/context.ts';
import {
  domainTemplate,
  entitiesTemplate,
  resampleTemplate,
  tabularTemplate,
  timeSeriesTemplate,
} from '../../llm/prompts/index.ts';
import type { ResampleAnswer } from '../../llm/prompts/resample.ts';
import type { TabularAnswer } from '../../llm/prompts/tabular.ts';
import { toRequest } from '../../llm/prompts/template.ts';
import type { TimeSeriesAnswer } from '../../llm/prompts/timeseries.ts';
import type { CompleteRequest, LlmClient } from '../../llm/types.ts';
import { askValidated } from './ask.ts';
import type { DraftInput } from './inputs.ts';
import { familySignals } from './offline/family.ts';
import type { Declined, FamilyProposal, Proposal } from './offline/index.ts';
import { metadataText } from './offline/text.ts';
import { candidatesKeepingFeatures } from './rules.ts';
import type { LlmRequestRecord, TabularDecision, TimeSeriesDecision } from './schema.ts';
import { type Issue, type ValidationLimits, validateTabular, validateTimeSeries } from './validate.ts';

const invalid = (issues: Issue[]): Declined => ({
  status: 'declined',
  reason: `llm_invalid_${issues[0]?.what ?? 'answer'}`,
  detail: issues.map((issue) => issue.message).join('; '),
});

export function tabularDecision(answer: TabularAnswer): TabularDecision {
  const target = [...new Set(answer.target)];
  const features = [...new Set(answer.features)];
  return {
    problem_type: answer.problem_type ?? 'classification',
    target,
    target_candidates: candidatesKeepingFeatures(target, answer.target_candidates, features, 3),
    related_features: features,
    column_type_inference: Object.fromEntries(answer.column_types.map(({ column, type }) => [column, type])),
  };
}

export function timeSeriesDecision(answer: TimeSeriesAnswer): TimeSeriesDecision {
  return {
    time_column: answer.time_column ?? '',
    time_format: answer.time_format ?? '',
    target: [...new Set(answer.target)],
    related_features: [...new Set(answer.exogenous_features)],
    entity_columns: [],
    column_type_inference: Object.fromEntries(answer.column_types.map(({ column, type }) => [column, type])),
    resample: null,
  };
}

function brief(input: DraftInput): DatasetBrief {
  const info = input.metadata.info;
  return {
    title: info.title ?? input.listing?.title ?? String(input.id),
    subtitle: info.subtitle ?? input.listing?.subtitle ?? '',
    keywords: info.keywords ?? [],
    description: info.description ?? input.listing?.description ?? '',
    table: input.table,
  };
}

interface Session {
  llm: LlmClient;
  records: LlmRequestRecord[];
  labels: { stage: string; dataset: string };
  args: { brief: DatasetBrief; limits: BriefLimits };
  limits: ValidationLimits;
  input: DraftInput;
}

async function designTabular(s: Session) {
  const asked = await askValidated(
    s.llm,
    tabularTemplate,
    s.args,
    (answer) => {
      if (!answer.suitable) return [];
      if (answer.problem_type === null)
        return [{ what: 'target_type', message: 'problem_type is null but suitable is true' }];
      return validateTabular(s.input.table, answer.problem_type, tabularDecision(answer), s.limits);
    },
    s.records,
    s.labels,
  );
  if (!asked.ok)
    return { classification: invalid(asked.issues), regression: invalid(asked.issues), chosen: null };
  const answer = asked.value;
  const unsuitable: Declined = { status: 'declined', reason: 'llm_unsuitable', detail: answer.reason };
  if (!answer.suitable || answer.problem_type === null)
    return { classification: unsuitable, regression: unsuitable, chosen: null };
  const chosen = answer.problem_type;
  const ok: FamilyProposal<TabularDecision> = { status: 'ok', decision: tabularDecision(answer) };
  const other: Declined = {
    status: 'declined',
    reason: 'not_chosen',
    detail: `the designer chose ${chosen}`,
  };
  return chosen === 'classification'
    ? { classification: ok, regression: other, chosen }
    : { classification: other, regression: ok, chosen };
}

async function designTimeSeries(s: Session): Promise<FamilyProposal<TimeSeriesDecision>> {
  const { table } = s.input;
  const asked = await askValidated(
    s.llm,
    timeSeriesTemplate,
    s.args,
    (answer) =>
      answer.suitable ? validateTimeSeries(table, timeSeriesDecision(answer), s.limits, s.input.samples) : [],
    s.records,
    s.labels,
  );
  if (!asked.ok) return invalid(asked.issues);
  if (!asked.value.suitable)
    return { status: 'declined', reason: 'llm_unsuitable', detail: asked.value.reason };
  const base = timeSeriesDecision(asked.value);
  const context = { ...s.args, timeColumn: base.time_column, target: base.target };
  const entities = await askValidated(
    s.llm,
    entitiesTemplate,
    context,
    (answer) =>
      validateTimeSeries(table, withEntities(base, answer.entity_columns), s.limits, s.input.samples),
    s.records,
    s.labels,
  );
  if (!entities.ok) return invalid(entities.issues);
  const withSeries = withEntities(base, entities.value.entity_columns);
  const resample = await askValidated(
    s.llm,
    resampleTemplate,
    { ...context, entityColumns: withSeries.entity_columns },
    (answer) => {
      if (answer.needed && (answer.rule === null || answer.aggregation === null)) {
        return [{ what: 'resample_rule', message: 'resampling is needed but rule or aggregation is null' }];
      }
      return validateTimeSeries(table, withResample(withSeries, answer), s.limits, s.input.samples);
    },
    s.records,
    s.labels,
  );
  if (!resample.ok) return invalid(resample.issues);
  return { status: 'ok', decision: withResample(withSeries, resample.value) };
}

/** Entity columns leave the feature list (the entity answer comes after the features were chosen). */
function withEntities(decision: TimeSeriesDecision, entityColumns: string[]): TimeSeriesDecision {
  const entities = [...new Set(entityColumns)];
  return {
    ...decision,
    entity_columns: entities,
    related_features: decision.related_features.filter((f) => !entities.includes(f)),
  };
}

function withResample(decision: TimeSeriesDecision, answer: ResampleAnswer): TimeSeriesDecision {
  const resample =
    answer.needed && answer.rule && answer.aggregation
      ? { rule: answer.rule, aggregation: answer.aggregation }
      : null;
  return { ...decision, resample };
}

function promptArgs(input: DraftInput, config: Config['draft']) {
  const datasetBrief = brief(input);
  return {
    labels: { stage: 'draft', dataset: input.id },
    domain: { ...datasetBrief, descriptionChars: config.prompt_description_chars },
    design: {
      brief: datasetBrief,
      limits: { previewRows: config.prompt_preview_rows, descriptionChars: config.prompt_description_chars },
    },
  };
}

/**
 * The requests `draftWithLlm` starts with, byte for byte (domain, tabular and time-series
 * design): what batch mode sends ahead. Follow-ups depend on these answers.
 */
export function firstRoundRequests(input: DraftInput, config: Config['draft']): CompleteRequest<unknown>[] {
  const args = promptArgs(input, config);
  return [
    toRequest(domainTemplate, args.domain, args.labels),
    toRequest(tabularTemplate, args.design, args.labels),
    toRequest(timeSeriesTemplate, args.design, args.labels),
  ];
}

/** The LLM designer: domain, tabular and time-series designs, each validated against the table. */
export async function draftWithLlm(
  input: DraftInput,
  config: Config['draft'],
  llm: LlmClient,
): Promise<{ proposal: Proposal; requests: LlmRequestRecord[] }> {
  const records: LlmRequestRecord[] = [];
  const args = promptArgs(input, config);
  const session: Session = { llm, records, labels: args.labels, args: args.design, limits: config, input };
  const domain = await askValidated(llm, domainTemplate, args.domain, () => [], records, session.labels);
  const tabular = await designTabular(session);
  const timeSeries = await designTimeSeries(session);
  const signals = familySignals(metadataText(input));
  let primary: Proposal['primary_family'] = tabular.chosen;
  if (timeSeries.status === 'ok' && (primary === null || signals.time_series > signals[primary]))
    primary = 'time_series';
  return {
    proposal: {
      domain: domain.ok ? domain.value.domain : 'other',
      primary_family: primary,
      families: {
        classification: tabular.classification,
        regression: tabular.regression,
        time_series: timeSeries,
      },
    },
    requests: records,
  };
}
