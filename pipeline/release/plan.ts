import type { Config } from '../config/schema.ts';
import type { ReleaseTask } from './collect.ts';
import { type ContaminationLink, groupNearDuplicates, type TableFingerprint } from './groups.ts';
import type { NormalisedLicense } from './licenses.ts';
import { planSplit, type SplitPlan } from './split.ts';

export type Split = 'train' | 'eval';
type ReleaseSettings = Config['release'];

/** One task as the release places it: its side, its license and whether that license is open. */
export interface PlannedTask {
  task: ReleaseTask;
  split: Split;
  license: NormalisedLicense;
  open: boolean;
}

/**
 * Every decision a release makes before it writes a byte: which side each task goes to, under
 * which license, and which datasets are near-copies kept on one side. The writers only follow it.
 */
export interface ReleasePlan {
  /** In the order the tasks were given. */
  tasks: PlannedTask[];
  split: SplitPlan;
  /** Dataset -> contamination group (its smallest member), in dataset order. */
  groupOf: Map<string, string>;
  /** Groups of more than one dataset, each sorted. */
  groups: string[][];
  links: ContaminationLink[];
}

/** The first task of each dataset: decontamination fingerprints one table per dataset. */
export function firstTaskPerDataset(tasks: readonly ReleaseTask[]): ReleaseTask[] {
  const firstTaskOf = new Map<string, ReleaseTask>();
  for (const t of tasks) if (!firstTaskOf.has(t.dataset)) firstTaskOf.set(t.dataset, t);
  return [...firstTaskOf.values()];
}

/** A license is open by its id when the config lists ids, else by its class. */
export function isOpenLicense(license: NormalisedLicense, settings: ReleaseSettings): boolean {
  return settings.open_license_ids
    ? settings.open_license_ids.includes(license.id)
    : settings.open_license_classes.includes(license.class);
}

/**
 * The release plan from the readable tasks, each task's license, and one fingerprint per
 * dataset (in `firstTaskPerDataset` order). Pure: the same inputs give the same plan.
 */
export function planRelease(
  tasks: readonly ReleaseTask[],
  licenseOf: (task: ReleaseTask) => NormalisedLicense,
  fingerprints: readonly TableFingerprint[],
  settings: ReleaseSettings,
): ReleasePlan {
  const { groupOf, links } = groupNearDuplicates(
    fingerprints,
    settings.sketch_size,
    settings.dedup_row_jaccard,
    settings.dedup_column_overlap,
  );
  const split = planSplit(
    firstTaskPerDataset(tasks).map((t) => ({
      dataset: t.dataset,
      lastUpdated: t.lastUpdated,
      group: groupOf.get(t.dataset) ?? t.dataset,
    })),
    settings.eval_fraction,
    settings.eval_pinned,
  );
  const evalSet = new Set(split.eval);
  const planned = tasks.map((task): PlannedTask => {
    const license = licenseOf(task);
    return {
      task,
      split: evalSet.has(task.dataset) ? 'eval' : 'train',
      license,
      open: isOpenLicense(license, settings),
    };
  });
  return { tasks: planned, split, groupOf, links, groups: groupsOf(groupOf) };
}

function groupsOf(groupOf: Map<string, string>): string[][] {
  const groups = new Map<string, string[]>();
  for (const [dataset, group] of groupOf) groups.set(group, [...(groups.get(group) ?? []), dataset]);
  return [...groups.values()].filter((g) => g.length > 1).map((g) => g.sort());
}
