import { type CorpusReadLimits, readTextInside } from '../util/inside.ts';
import { type AlignmentWarning, alignRows } from './align.ts';
import { parseFrame } from './frame.ts';
import { metricFor, scoreTarget } from './metrics.ts';
import { mean } from './numeric.ts';
import {
  columnFor,
  type Family,
  type Metric,
  type Reason,
  type TargetScore,
  type TaskScore,
  type Variant,
} from './report.ts';
import { loadTruth, type Truth } from './truth.ts';

export interface TaskInput {
  /** The corpus folder: the task is `<corpus>/databases/<task>`. */
  corpus: string;
  task: string;
  family: Family;
  variant: Variant;
  /** The predictions folder, and the prediction file relative to it (`<task>/prediction.csv`). */
  predictions: string;
  predictionLabel: string;
  rlReward: boolean;
  limits: CorpusReadLimits;
}

type PredictionRead = { exists: false } | { exists: true; text: string } | { exists: true; failure: Failure };

/** The prediction file, read only when it is a regular file inside the predictions folder. */
async function readPrediction(input: TaskInput): Promise<PredictionRead> {
  const read = await readTextInside(
    input.predictions,
    input.predictionLabel,
    input.limits.maxPredictionBytes,
  );
  if (read.ok) return { exists: true, text: read.text };
  if (read.reason === 'missing') return { exists: false };
  const reason: Reason = read.reason === 'too_large' ? 'prediction_too_large' : 'prediction_refused';
  return { exists: true, failure: { reason, detail: `${read.reason}: ${read.detail}` } };
}

/** The paper's RL reward: IF 1.1 on a full match, else 0.1 for trying; predictive 0.1 + metric. */
export function rewardFor(metric: Metric, predictionExists: boolean, score: number): number {
  if (!predictionExists) return 0;
  if (metric === 'exact_match' || metric === 'allclose') return score === 1 ? 1.1 : 0.1;
  return 0.1 + score;
}

type Failure = { reason: Reason; detail: string };

/** Scores one task variant; a prediction problem is a 0 with a reason, never an exception. */
export async function scoreTask(input: TaskInput): Promise<TaskScore> {
  const prediction = await readPrediction(input);
  const truth = await loadTruth(
    { corpus: input.corpus, task: input.task, limits: input.limits },
    input.family,
    input.variant,
  );
  return scoreAgainstTruth(input, truth, prediction);
}

export type { PredictionRead };

/**
 * Scores a prediction already read (a file's text, none, or why it was refused) against a
 * truth already loaded: the reward server keeps truths in memory and gets texts over HTTP.
 */
export function scoreAgainstTruth(
  input: Pick<TaskInput, 'task' | 'family' | 'variant' | 'predictionLabel' | 'rlReward'>,
  truth: Truth,
  prediction: PredictionRead,
): TaskScore {
  const { family, variant } = input;
  const metric = metricFor(family, variant);
  const base: ScoreBase = {
    task: input.task,
    family,
    variant,
    column: columnFor(family, variant).key,
    metric,
    prediction: input.predictionLabel,
  };
  const predictionExists = prediction.exists;
  if (!truth.ok) {
    return {
      ...base,
      status: 'unscorable',
      score: null,
      reward: null,
      prediction_exists: predictionExists,
      reason: truth.reason,
      detail: truth.detail,
      warnings: [],
      targets: [],
    };
  }
  const { targets, failure, warnings } = scoreTargets(truth, prediction, metric, input.predictionLabel);
  const score = mean(targets.map((t) => t.score));
  const failedTarget = targets.find((t) => t.reason !== null);
  const firstFailure: Failure | null =
    failure ??
    (failedTarget?.reason
      ? { reason: failedTarget.reason, detail: `${failedTarget.target}: ${failedTarget.detail}` }
      : null);
  return {
    ...base,
    status: 'scored',
    score,
    reward: input.rlReward ? rewardFor(metric, predictionExists, score) : null,
    prediction_exists: predictionExists,
    reason: firstFailure?.reason ?? null,
    detail: firstFailure?.detail ?? null,
    warnings: warnings.map(({ code, detail }) => ({ code, detail })),
    targets,
  };
}

type ScoreBase = Pick<TaskScore, 'task' | 'family' | 'variant' | 'column' | 'metric' | 'prediction'>;

interface TargetsScored {
  targets: TargetScore[];
  /** Why the prediction as a whole scored 0 (unread, unparsed, rows not aligned), else null. */
  failure: Failure | null;
  warnings: readonly AlignmentWarning[];
}

/** Each target's score; a prediction that cannot be read, parsed or aligned scores 0 on all. */
function scoreTargets(
  truth: Truth & { ok: true },
  prediction: PredictionRead,
  metric: Metric,
  predictionLabel: string,
): TargetsScored {
  const allZero = ({ reason, detail }: Failure): TargetsScored => ({
    targets: truth.targets.map((target) => ({ target, score: 0, raw: null, reason, detail })),
    failure: { reason, detail },
    warnings: [],
  });
  if (!prediction.exists)
    return allZero({ reason: 'missing_prediction', detail: `no file at ${predictionLabel}` });
  if ('failure' in prediction) return allZero(prediction.failure);
  const parsed = parseFrame(prediction.text);
  if (!parsed.ok) return allZero(parsed);
  const frame = parsed.frame;
  const alignment = alignRows(truth.frame, frame, truth.idColumns);
  if (!alignment.ok) return allZero(alignment);
  const targets = truth.targets.map((target): TargetScore => {
    const truthColumn = truth.frame.byName.get(target);
    const predictionColumn = frame.byName.get(target);
    if (!truthColumn || !predictionColumn) {
      return {
        target,
        score: 0,
        raw: null,
        reason: 'missing_target_column',
        detail: `prediction.csv has no column ${target}`,
      };
    }
    return { target, ...scoreTarget(metric, truthColumn, predictionColumn, alignment.pairs) };
  });
  return { targets, failure: null, warnings: alignment.warnings };
}
