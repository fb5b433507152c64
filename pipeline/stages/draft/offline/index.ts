import type { Config } from '../../../config/schema.ts';
import type { DraftInput } from '../inputs.ts';
import type { FamilyKey, TabularDecision, TimeSeriesDecision } from '../schema.ts';
import { domainLabel } from './domain.ts';
import { familySignals } from './family.ts';
import { draftTabular, type TabularDraft } from './tabular.ts';
import { metadataText } from './text.ts';
import { draftTimeSeries, type TimeSeriesDraft } from './timeseries.ts';

export type Declined = { status: 'declined'; reason: string; detail: string };
export type FamilyProposal<T> = { status: 'ok'; decision: T } | Declined;

/** A design before validation against the table (shared with the LLM drafter). */
export interface Proposal {
  domain: string;
  primary_family: FamilyKey | null;
  families: {
    classification: FamilyProposal<TabularDecision>;
    regression: FamilyProposal<TabularDecision>;
    time_series: FamilyProposal<TimeSeriesDecision>;
  };
}

/** A secondary family is kept only when the metadata explicitly asks for it (a keyword or the title). */
const explicitSignal = 3;
/** ...and when its target has positive evidence (a name hint, the title, the description, last column). */
const secondaryTargetScore = 2;
/** A regular series this long is a good forecasting task even without a time-series keyword. */
const longSeries = 100;
const familyOrder: readonly FamilyKey[] = ['classification', 'regression', 'time_series'];

/**
 * The embedded drafter: heuristics over the profile and the metadata text, no network. Each
 * family is drafted independently; the metadata signals plus the structure of the table pick
 * the primary family, and secondary families survive only with an explicit signal.
 */
export function draftOffline(input: DraftInput, config: Config['draft']): Proposal {
  const text = metadataText(input);
  const signals = familySignals(text);
  const drafts: { classification: TabularDraft; regression: TabularDraft; time_series: TimeSeriesDraft } = {
    classification: draftTabular('classification', input.table, text, config),
    regression: draftTabular('regression', input.table, text, config),
    time_series: draftTimeSeries(input, text, config),
  };
  const strength = (family: FamilyKey): number => {
    const draft = drafts[family];
    if (!draft.ok) return Number.NEGATIVE_INFINITY;
    if ('regular' in draft)
      return signals.time_series + (draft.regular && draft.points >= longSeries ? 2 : 0);
    return signals[family] + 0.01 * draft.score;
  };
  let primary: FamilyKey | null = null;
  for (const family of familyOrder) {
    if (Number.isFinite(strength(family)) && (primary === null || strength(family) > strength(primary)))
      primary = family;
  }
  const decide = <T>(
    family: FamilyKey,
    draft: { ok: true; decision: T } | { ok: false; reason: string; detail: string },
  ) => {
    if (!draft.ok)
      return { status: 'declined', reason: draft.reason, detail: draft.detail } satisfies Declined;
    if (family !== primary && signals[family] < explicitSignal) {
      return {
        status: 'declined',
        reason: 'not_suggested',
        detail: `feasible, but the metadata does not suggest ${family.replace('_', ' ')} and ${primary} fits better`,
      } satisfies Declined;
    }
    const targetScore = 'score' in draft && typeof draft.score === 'number' ? draft.score : null;
    if (family !== primary && targetScore !== null && targetScore < secondaryTargetScore) {
      return {
        status: 'declined',
        reason: 'weak_target',
        detail: `no column stands out as a ${family} target`,
      } satisfies Declined;
    }
    return { status: 'ok', decision: draft.decision } as const;
  };
  return {
    domain: domainLabel(text),
    primary_family: primary,
    families: {
      classification: decide('classification', drafts.classification),
      regression: decide('regression', drafts.regression),
      time_series: decide('time_series', drafts.time_series),
    },
  };
}
