import type { VerifyChecksConfig } from '../../config/sections/verify-checks.ts';
import { type ReferenceOutcome, referenceParamsSchema } from '../../sandbox/reference.ts';
import { sha256 } from '../../util/hash.ts';
import type { CorpusReadLimits } from '../../util/inside.ts';
import type { TaskCheckOptions } from './check-options.ts';
import type { TaskQuestion } from './metadata.ts';
import type { IfResults, MmResults, ProgramOutcome } from './python-checks.ts';
import type { TaskVerdict } from './schema.ts';
import { runTabularJobs, type TaskCost } from './tabular-runs.ts';
import { type CheckOutcome, decideTask, fail, flag, fromProgramFailure, pass, skip } from './verdict.ts';

export type { TaskCheckOptions } from './check-options.ts';

export interface TabularVerification {
  verdict: TaskVerdict;
  /** The reference predictions (simulated_pred_local.csv), when both runs agreed. */
  predictions: Buffer | null;
  /** Sandbox jobs and model fits spent (benchmarks); absent when no job ran. */
  cost?: TaskCost;
}

function referenceFailure(outcome: Exclude<ReferenceOutcome, { status: 'ok' }>): CheckOutcome {
  if (outcome.status === 'env_missing_pyarrow')
    return fromProgramFailure('determinism', outcome.status, outcome.detail);
  if (outcome.status === 'sandbox_error') {
    // The sandbox's fault, not the task's: the dataset ends in error and is retried next run.
    throw new Error(`reference solution: sandbox error: ${outcome.detail}`);
  }
  const reason = outcome.status === 'timeout' ? 'timeout' : `reference_${outcome.status}`;
  return fail('determinism', reason, `reference solution: ${outcome.status}: ${outcome.detail}`);
}

/**
 * (1) The reference runs twice, each from scratch (reading its parameters and files), and must
 * give identical bytes: in jobs of their own, or one after the other in the task's one job
 * (verify_checks.one_job), where run two follows run one and the MM checks in the same process.
 */
function determinism(first: ReferenceOutcome, second: ReferenceOutcome): CheckOutcome {
  if (first.status !== 'ok') return referenceFailure(first);
  if (second.status !== 'ok') return referenceFailure(second);
  // No timings here: verdict.json must be byte-identical across reruns.
  const metrics = { bytes: first.predictions.length };
  if (!first.predictions.equals(second.predictions)) {
    return fail(
      'determinism',
      'nondeterministic',
      'two runs of the reference solution wrote different bytes',
      metrics,
    );
  }
  return pass(
    'determinism',
    `two runs wrote identical bytes (sha256 ${sha256(first.predictions).slice(0, 12)})`,
    metrics,
  );
}

function part(name: string, reason: string, result: IfResults['range_filter']): CheckOutcome {
  return result.ok
    ? pass(name, result.detail, result.metrics)
    : fail(name, reason, result.detail, result.metrics);
}

/** (4) Which instruction deviations change the reference output. */
export function discrimination(results: IfResults['discrimination'], minimumCaught: number): CheckOutcome {
  const metrics: Record<string, number> = {};
  const caught: string[] = [];
  const missed: string[] = [];
  const notRun: string[] = [];
  for (const [name, outcome] of Object.entries(results)) {
    if (!outcome.applies) continue;
    if (outcome.skipped) {
      notRun.push(name);
      continue;
    }
    metrics[`changed_${name}`] = outcome.changed_fraction;
    (outcome.changed_fraction > 0 ? caught : missed).push(name);
  }
  metrics.caught = caught.length;
  let detail = `caught by ${caught.join(', ') || 'none'}; not by ${missed.join(', ') || 'none'}`;
  if (notRun.length > 0) {
    // verify_checks.early_stop: enough were caught; these were not run.
    metrics.not_run = notRun.length;
    detail += `; not run (${minimumCaught} caught already): ${notRun.join(', ')}`;
  }
  if (results.skip_range_filter?.applies && !caught.includes('skip_range_filter')) {
    return fail(
      'discrimination',
      'noise_irrelevant',
      `skipping the range filter does not change the output (${detail})`,
      metrics,
    );
  }
  if (caught.length < minimumCaught) {
    return flag(
      'discrimination',
      'weak_discrimination',
      `${caught.length} < ${minimumCaught} deviations caught: ${detail}`,
      metrics,
    );
  }
  return pass('discrimination', detail, metrics);
}

/** (5) MM: learnable against a trivial baseline; near perfect means a leak, named by column. */
export function learnability(results: MmResults, checks: VerifyChecksConfig): CheckOutcome[] {
  const targets = Object.entries(results.targets);
  const mean = (pick: (t: MmResults['targets'][string]) => number) =>
    targets.reduce((sum, [, t]) => sum + pick(t), 0) / Math.max(1, targets.length);
  const strong = mean((t) => t.strong);
  const trivial = mean((t) => t.trivial);
  const metrics = { strong: strong, trivial: trivial, margin: strong - trivial, features: results.features };
  const scores = `${results.metric} ${strong.toFixed(4)} vs trivial ${trivial.toFixed(4)}`;
  const learnable =
    strong - trivial >= checks.learnable_margin
      ? pass('learnable', scores, metrics)
      : fail(
          'learnable',
          'not_learnable',
          `HistGradientBoosting does not beat the trivial baseline: ${scores}`,
          metrics,
        );
  const leaks = targets.flatMap(([target, t]) =>
    t.leak_columns.map(([column, score]) => ({ target, column, score })),
  );
  const best = Math.max(0, ...targets.map(([, t]) => t.best_single_column_score ?? 0));
  const exact = targets.flatMap(([target, t]) =>
    t.exact_leak_columns.map((column) => `${column} on ${target}`),
  );
  let leak: CheckOutcome;
  // A copy or one-to-one relabelling of the target answers the task: a rejection, not a flag.
  if (exact.length > 0)
    leak = fail(
      'leak',
      'leak_exact',
      `a feature is the target or a one-to-one relabelling of it: ${exact.join('; ')}`,
      {
        strong,
        exact_leaks: exact.length,
      },
    );
  else if (strong < checks.leak_score)
    leak = pass('leak', `${scores} is below ${checks.leak_score}`, { strong });
  else if (leaks.length > 0) {
    const named = leaks
      .map((l) => `${l.column} alone scores ${l.score.toFixed(4)} on ${l.target}`)
      .join('; ');
    leak = flag('leak', 'leak_suspected', `near-perfect ${scores}; ${named}`, {
      strong,
      best_single_column: best,
    });
  } else {
    leak = flag('leak', 'leak_suspected', `near-perfect ${scores}; no single column explains it`, {
      strong,
      best_single_column: best,
    });
  }
  return [learnable, leak];
}

function ifOutcomes(outcome: ProgramOutcome<IfResults>, checks: VerifyChecksConfig) {
  if (outcome.status !== 'ok' || !('results' in outcome)) {
    return [
      fromProgramFailure('instruction_checks', outcome.status, 'detail' in outcome ? outcome.detail : ''),
    ];
  }
  const results = outcome.results;
  return [
    part('prediction_shape', 'bad_prediction_shape', results.prediction_shape),
    part('range_filter', 'range_filter_mismatch', results.range_filter),
    discrimination(results.discrimination, checks.min_deviations_caught),
  ];
}

/** Every check of a classification or regression task (both variants: IF and MM). */
export async function verifyTabularTask(
  taskDir: string,
  task: string,
  family: 'class' | 'reg',
  question: TaskQuestion,
  options: TaskCheckOptions,
): Promise<TabularVerification> {
  const params = referenceParamsSchema.safeParse(question);
  if (!params.success) {
    const issue = params.error.issues[0];
    const detail = `all_metadata.json question.${issue?.path.join('.')}: ${issue?.message}`;
    return {
      verdict: decideTask(task, family, [fail('parameters', 'invalid_task', detail)], null),
      predictions: null,
    };
  }
  const runs = await runTabularJobs(taskDir, question, params.data, options);
  const { first, second, cost } = runs;
  const outcomes = [determinism(first, second)];
  const predictions =
    outcomes[0]?.check.status === 'pass' && first.status === 'ok' ? first.predictions : null;
  const sha = predictions ? sha256(predictions) : null;
  if (!predictions || options.scope === 'reference') {
    return { verdict: decideTask(task, family, outcomes, sha), predictions, cost };
  }
  const { instruction, modelling } = await runs.checks(predictions);
  outcomes.push(...ifOutcomes(instruction, options.checks));
  if (modelling.status === 'ok' && 'results' in modelling) {
    outcomes.push(...learnability(modelling.results, options.checks));
  } else {
    outcomes.push(
      fromProgramFailure('learnable', modelling.status, 'detail' in modelling ? modelling.detail : ''),
    );
    outcomes.push(skip('leak', 'the MM checks did not run'));
  }
  return { verdict: decideTask(task, family, outcomes, sha), predictions, cost };
}
