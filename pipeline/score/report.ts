import { z } from 'zod';

/** The task families of question_list.json (`task`) and the two question variants. */
export const families = ['classification', 'regression', 'time_series_analysis'] as const;
export type Family = (typeof families)[number];
export const variants = ['v1', 'v2'] as const;
export type Variant = (typeof variants)[number];
export type VariantChoice = Variant | 'both';

export const metrics = ['exact_match', 'allclose', 'macro_f1', 'clipped_r2'] as const;
export type Metric = (typeof metrics)[number];

/** The six columns of the paper's results table, in its order. */
export const scoreColumns = [
  { key: 'class_if', label: 'class IF', family: 'classification', variant: 'v1', metric: 'exact_match' },
  { key: 'class_mm', label: 'class MM', family: 'classification', variant: 'v2', metric: 'macro_f1' },
  { key: 'reg_if', label: 'reg IF', family: 'regression', variant: 'v1', metric: 'allclose' },
  { key: 'reg_mm', label: 'reg MM', family: 'regression', variant: 'v2', metric: 'clipped_r2' },
  { key: 'ts_xf', label: 'ts XF', family: 'time_series_analysis', variant: 'v1', metric: 'clipped_r2' },
  { key: 'ts_cf', label: 'ts CF', family: 'time_series_analysis', variant: 'v2', metric: 'clipped_r2' },
] as const satisfies readonly {
  key: ColumnKey;
  label: string;
  family: Family;
  variant: Variant;
  metric: Metric;
}[];
export type ScoreColumn = (typeof scoreColumns)[number];
const columnKeys = ['class_if', 'class_mm', 'reg_if', 'reg_mm', 'ts_xf', 'ts_cf'] as const;
export type ColumnKey = (typeof columnKeys)[number];

export function columnFor(family: Family, variant: Variant): ScoreColumn {
  const column = scoreColumns.find((c) => c.family === family && c.variant === variant);
  if (!column) throw new Error(`no score column for ${family} ${variant}`);
  return column;
}

export const reasonCodes = [
  'missing_prediction',
  'prediction_refused',
  'prediction_too_large',
  'empty_file',
  'malformed_csv',
  'missing_id_columns',
  'id_type_mismatch',
  'duplicate_ids',
  'row_count_mismatch',
  'missing_target_column',
  'non_numeric_values',
  'missing_values',
  'non_finite_values',
  'label_type_mix',
  'continuous_labels',
  'too_few_rows',
  'mismatch',
  'not_close',
  'metadata_invalid',
  'reference_missing',
  'ground_truth_missing',
  'ground_truth_invalid',
  'corpus_file_refused',
] as const;
export type Reason = (typeof reasonCodes)[number];

/**
 * Why a task (or one target of it) scored 0, or why it could not be scored at all. Stable
 * codes: reports, tests and dashboards count them.
 */
export const reasonDescriptions: Record<Reason, string> = {
  // the prediction file as a whole (the task scores 0)
  missing_prediction: 'no prediction.csv where expected',
  prediction_refused:
    'prediction.csv (or its task folder) is a symbolic link, a FIFO, a device or a folder: only regular files inside the predictions folder are read',
  prediction_too_large: 'prediction.csv is over the size cap (corpus.limits.max_prediction_mb)',
  empty_file: 'prediction.csv is empty (no header row)',
  malformed_csv: 'a row has more fields than the header',
  missing_id_columns:
    'prediction.csv lacks a column the rows are matched on (row_id; time series CF: time and entity columns)',
  id_type_mismatch: 'an id column holds text where the ground truth has numbers, or the reverse',
  duplicate_ids: 'repeated prediction ids make the join on the ids longer than the ground truth',
  row_count_mismatch: 'ground-truth rows without a prediction (the join is shorter than the ground truth)',
  // one target column (that target scores 0; the task score is the mean over targets)
  missing_target_column: 'prediction.csv lacks a target column',
  non_numeric_values: 'text in a target scored numerically',
  missing_values: 'empty or NA predictions',
  non_finite_values: 'infinite predictions where R^2 needs finite numbers',
  label_type_mix: 'text labels against numeric labels or the reverse',
  continuous_labels: 'non-integer numbers as class labels',
  too_few_rows: 'R^2 needs at least two rows',
  mismatch: 'instruction following: some predictions differ from the reference output',
  not_close: 'instruction following: some predictions are not allclose to the reference output',
  // the corpus side (the task is unscorable and left out of the means)
  metadata_invalid: 'verify/all_metadata.json is missing or has no question.target',
  reference_missing:
    'verify/simulated_pred_local.csv is missing: run the reference solution (verify stage) first',
  ground_truth_missing: 'the ground-truth file is missing from verify/',
  ground_truth_invalid: 'the ground-truth file is empty, malformed or lacks its id or target columns',
  corpus_file_refused:
    'a corpus file is a symbolic link, a special file or over the size cap: it is never read',
};

/** What the published evaluator tolerates, scored as it does and reported (stable codes). */
export const warningCodes = ['extra_rows_ignored', 'duplicate_ids_scored'] as const;
export const warningDescriptions: Record<(typeof warningCodes)[number], string> = {
  extra_rows_ignored: 'prediction rows whose id is not in the ground truth are ignored (inner join)',
  duplicate_ids_scored:
    "a repeated id stood in for a missing one and the join still had the ground truth's length, so it scored",
};
export const taskWarningSchema = z.strictObject({ code: z.enum(warningCodes), detail: z.string() });

export const targetScoreSchema = z.strictObject({
  target: z.string(),
  score: z.number(),
  /** The metric before clipping (R^2) or the mismatch count is in detail; null when not computed. */
  raw: z.number().nullable(),
  reason: z.enum(reasonCodes).nullable(),
  detail: z.string().nullable(),
});
export type TargetScore = z.infer<typeof targetScoreSchema>;

export const taskScoreSchema = z.strictObject({
  task: z.string(),
  family: z.enum(families),
  variant: z.enum(variants),
  column: z.enum(columnKeys),
  metric: z.enum(metrics),
  status: z.enum(['scored', 'unscorable']),
  /** Mean over targets; null when unscorable. */
  score: z.number().nullable(),
  /** The paper's RL reward, when asked for (--rl-reward); null otherwise or when unscorable. */
  reward: z.number().nullable(),
  /** Path of the prediction file relative to the predictions folder. */
  prediction: z.string(),
  prediction_exists: z.boolean(),
  /** The file-level failure, else the first failing target's (detail prefixed with its name). */
  reason: z.enum(reasonCodes).nullable(),
  detail: z.string().nullable(),
  /** Tolerated by the published evaluator (and so scored), but worth fixing. */
  warnings: z.array(taskWarningSchema),
  targets: z.array(targetScoreSchema),
});
export type TaskScore = z.infer<typeof taskScoreSchema>;

export const columnSummarySchema = z.strictObject({
  label: z.string(),
  tasks: z.number(),
  scored: z.number(),
  predicted: z.number(),
  unscorable: z.number(),
  /** Mean score over scored tasks, a missing prediction counting 0 (the paper's figure). */
  mean_score: z.number().nullable(),
  /** Mean over tasks that have a prediction file (the published evaluation.py's average_score). */
  mean_score_predicted: z.number().nullable(),
  mean_reward: z.number().nullable(),
  reasons: z.record(z.string(), z.number()),
});
export type ColumnSummary = z.infer<typeof columnSummarySchema>;

export const scoreReportSchema = z.strictObject({
  format: z.literal('dare-forge.scores/1'),
  variant: z.enum(['v1', 'v2', 'both']),
  rl_reward: z.boolean(),
  tasks: z.array(taskScoreSchema),
  summary: z.record(z.enum(columnKeys), columnSummarySchema),
  /** Folders in the predictions folder that match no task of the corpus (typos, other corpora). */
  unmatched_prediction_folders: z.array(z.string()),
});
export type ScoreReport = z.infer<typeof scoreReportSchema>;
