import { z } from 'zod';

export const deviationNames = [
  'skip_range_filter',
  'drop_missing_rows',
  'wrong_imputer',
  'other_random_state',
  'all_candidate_features',
  'no_scaling',
] as const;
export type DeviationName = (typeof deviationNames)[number];

/** Thresholds of the verify stage's quality checks (verdict.json). */
export const verifyChecksSection = z
  .strictObject({
    deviations: z
      .array(z.enum(deviationNames))
      .default([...deviationNames])
      .describe(
        'Instruction deviations rerun through the reference pipeline (discrimination check); skip_range_filter must change the output or the IF task is rejected.',
      ),
    min_deviations_caught: z
      .int()
      .min(0)
      .max(deviationNames.length)
      .default(3)
      .describe(
        'An IF task whose output changes under fewer deviations than this is flagged weak_discrimination.',
      ),
    share_runs: z
      .boolean()
      .default(true)
      .describe(
        "The IF check job runs the second reference run itself (its output is the deviations' baseline), deviations with the same preprocessing reuse its fitted transform, and a deviation that provably fits the baseline's pipeline again (drop_missing_rows with no missing feature value, wrong_imputer mean/median on complete number columns, other_random_state for a model that ignores its seed) is recorded as unchanged without a fit: fewer loads and fits, byte-identical verdicts. false: every run in its own job, as before (benchmarks compare the two).",
      ),
    one_job: z
      .boolean()
      .default(true)
      .describe(
        "With share_runs: the two shared jobs of a tabular task run as one sandbox job, the MM part (run one of the determinism pair, then the MM checks) and then the IF part (run two, then the IF checks), each from scratch in a folder of its own: the task's files are sent once and one job's start-up is saved. A part that stops without its outcome (a crash, MemoryError, a timed-out job) sends the task through the two jobs instead, so verdicts are the same as with false.",
      ),
    early_stop: z
      .boolean()
      .default(false)
      .describe(
        'Stop the deviations once min_deviations_caught changed the output (skip_range_filter always runs): same statuses, reasons and flags, but the discrimination check records the rest as not run, so verdicts.jsonl differs from a full run.',
      ),
    learnable_margin: z
      .number()
      .min(0)
      .max(1)
      .default(0.02)
      .describe(
        'MM: the default HistGradientBoosting model must beat the trivial baseline (majority class / mean) by at least this much macro-F1 or clipped R2, or the task is rejected not_learnable.',
      ),
    leak_score: z
      .number()
      .min(0)
      .max(1)
      .default(0.99)
      .describe(
        'MM: a strong score at or above this flags leak_suspected, and each column alone is scored to name the one responsible.',
      ),
    season_length: z
      .int()
      .min(1)
      .max(10000)
      .default(7)
      .describe('Time series: period (in rows) of the seasonal-naive baseline.'),
  })
  .describe('Thresholds of the verify stage checks.');

export type VerifyChecksConfig = z.infer<typeof verifyChecksSection>;
