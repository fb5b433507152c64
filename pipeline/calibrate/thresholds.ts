import { type ColumnKey, columnFor, type Family, type Variant } from '../score/report.ts';

/**
 * The paper's validity thresholds (appendix, rejection sampling): a run solves its task when
 * its score reaches them. IF tasks need an exact match (score 1); predictive ones a metric of
 * at least 0.8 (classification MM), 0.7 (regression MM), 0.6 (time-series XF), 0.3 (CF).
 * Calibration and the trajectory export judge runs by this one table.
 */
export const validityThresholds: Readonly<Record<ColumnKey, number>> = {
  class_if: 1,
  class_mm: 0.8,
  reg_if: 1,
  reg_mm: 0.7,
  ts_xf: 0.6,
  ts_cf: 0.3,
};

export function validityThreshold(family: Family, variant: Variant): number {
  return validityThresholds[columnFor(family, variant).key];
}

/** Whether a score counts as solving a task of this family and variant (null: unscorable). */
export function isSolved(family: Family, variant: Variant, score: number | null): boolean {
  return score !== null && score >= validityThreshold(family, variant);
}
