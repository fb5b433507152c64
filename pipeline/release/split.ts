import { compareCodeUnits } from '../util/order.ts';

/**
 * Which datasets go to eval: the most recently updated ones (a fraction, by dataset, so both
 * variants and every task of a dataset stay together), or a pinned list so eval stays stable
 * while train grows. Datasets in one contamination group always land on the same side.
 */
export interface SplitCandidate {
  dataset: string;
  /** ISO 8601; a missing date sorts oldest. */
  lastUpdated: string | null;
  /** Datasets sharing a group are near-copies of one table. */
  group: string;
}

export interface SplitPlan {
  eval: string[];
  train: string[];
  /** The oldest lastUpdated among eval datasets (null with a pinned list or no eval). */
  cutoff: string | null;
  method: 'most_recent_fraction' | 'pinned';
}

export function planSplit(
  candidates: readonly SplitCandidate[],
  fraction: number,
  pinned?: readonly string[],
): SplitPlan {
  const groups = new Map<string, SplitCandidate[]>();
  for (const c of candidates) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  const evalSet = new Set<string>();
  if (pinned) {
    const pinnedSet = new Set(pinned);
    for (const members of groups.values()) {
      if (members.some((m) => pinnedSet.has(m.dataset))) for (const m of members) evalSet.add(m.dataset);
    }
  } else {
    const target = Math.round(candidates.length * fraction);
    // A group is as recent as its most recent member; ties break by id for stability.
    const ordered = [...groups.values()]
      .map((members) => ({
        members,
        newest:
          members
            .map((m) => m.lastUpdated ?? '')
            .sort()
            .at(-1) ?? '',
      }))
      .sort((a, b) =>
        a.newest === b.newest
          ? compareCodeUnits(firstId(a.members), firstId(b.members))
          : a.newest < b.newest
            ? 1
            : -1,
      );
    for (const { members } of ordered) {
      if (evalSet.size >= target) break;
      for (const m of members) evalSet.add(m.dataset);
    }
  }
  const sorted = [...candidates].map((c) => c.dataset).sort();
  const evalIds = sorted.filter((id) => evalSet.has(id));
  const evalDates = candidates.filter((c) => evalSet.has(c.dataset)).map((c) => c.lastUpdated ?? '');
  return {
    eval: evalIds,
    train: sorted.filter((id) => !evalSet.has(id)),
    cutoff: pinned || evalDates.length === 0 ? null : (evalDates.sort()[0] ?? null),
    method: pinned ? 'pinned' : 'most_recent_fraction',
  };
}

function firstId(members: readonly SplitCandidate[]): string {
  return members.map((m) => m.dataset).sort()[0] ?? '';
}
