import type { DraftInput } from './inputs.ts';
import type { Declined, FamilyProposal, Proposal } from './offline/index.ts';
import type { Draft, TabularDecision, TimeSeriesDecision } from './schema.ts';
import { type ValidationLimits, validateTabular, validateTimeSeries } from './validate.ts';

/**
 * The last gate before draft.json: every ok family is validated against the table again (the
 * offline drafter included), so nothing invalid is ever written. A failure declines the family
 * with `<prefix>_invalid_<what>`.
 */
export function checkedFamilies(
  input: DraftInput,
  proposal: Proposal,
  limits: ValidationLimits,
  prefix: 'offline' | 'llm',
): Draft['families'] {
  const gate = <T>(
    proposed: FamilyProposal<T>,
    validate: (decision: T) => { what: string; message: string }[],
  ) => {
    if (proposed.status !== 'ok') return proposed;
    const issues = validate(proposed.decision);
    if (issues.length === 0) return proposed;
    return {
      status: 'declined',
      reason: `${prefix}_invalid_${issues[0]?.what ?? 'answer'}`,
      detail: issues.map((issue) => issue.message).join('; '),
    } satisfies Declined;
  };
  const tabular = (problem: 'classification' | 'regression') => (decision: TabularDecision) =>
    decision.problem_type === problem
      ? validateTabular(input.table, problem, decision, limits)
      : [{ what: 'target_type', message: `a ${decision.problem_type} design filed under ${problem}` }];
  return {
    classification: gate(proposal.families.classification, tabular('classification')),
    regression: gate(proposal.families.regression, tabular('regression')),
    time_series: gate(proposal.families.time_series, (decision: TimeSeriesDecision) =>
      validateTimeSeries(input.table, decision, limits, input.samples),
    ),
  };
}

/** A dataset with no family left is rejected; the reason names an invalid answer when there was one. */
export function rejectionOf(families: Draft['families']): { reason: string; detail: string } | null {
  const entries = Object.entries(families);
  if (entries.some(([, family]) => family.status === 'ok')) return null;
  const declined = entries.flatMap(([name, family]) =>
    family.status === 'declined' ? [{ name, ...family }] : [],
  );
  const invalid = declined.find((family) => /_invalid_/.test(family.reason));
  const reason = invalid?.reason ?? 'no_task';
  return {
    reason,
    detail: declined.map((family) => `${family.name}: ${family.reason} (${family.detail})`).join('; '),
  };
}
