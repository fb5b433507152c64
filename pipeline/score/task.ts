import { alignRows } from './align.ts';
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
import { loadTruth, readText } from './truth.ts';

export interface TaskInput {
  /** The task folder: `<corpus>/databases/<task>`. */
  taskDir: string;
  task: string;
  family: Family;
  variant: Variant;
  /** Absolute path of the prediction file, and the same relative to the predictions folder. */
  predictionFile: string;
  predictionLabel: string;
  rlReward: boolean;
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
  const { family, variant } = input;
  const metric = metricFor(family, variant);
  const base = {
    task: input.task,
    family,
    variant,
    column: columnFor(family, variant).key,
    metric,
    prediction: input.predictionLabel,
  };
  const predictionText = await readText(input.predictionFile);
  const predictionExists = predictionText !== null;

  const truth = await loadTruth(input.taskDir, family, variant);
  if (!truth.ok) {
    return {
      ...base,
      status: 'unscorable',
      score: null,
      reward: null,
      prediction_exists: predictionExists,
      reason: truth.reason,
      detail: truth.detail,
      targets: [],
    };
  }
  const scored = (targets: TargetScore[], failure: Failure | null): TaskScore => {
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
      targets,
    };
  };
  const allZero = ({ reason, detail }: Failure) =>
    scored(
      truth.targets.map((target) => ({ target, score: 0, raw: null, reason, detail })),
      { reason, detail },
    );

  if (predictionText === null)
    return allZero({ reason: 'missing_prediction', detail: `no file at ${input.predictionLabel}` });
  const parsed = parseFrame(predictionText);
  if (!parsed.ok) return allZero(parsed);
  const prediction = parsed.frame;
  const alignment = alignRows(truth.frame, prediction, truth.idColumns);
  if (!alignment.ok) return allZero(alignment);

  const targets = truth.targets.map((target): TargetScore => {
    const truthColumn = truth.frame.byName.get(target);
    const predictionColumn = prediction.byName.get(target);
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
  return scored(targets, null);
}
