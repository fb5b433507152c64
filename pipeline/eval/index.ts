import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Executor } from '../sandbox/contract.ts';
import type { Variant } from '../score/report.ts';
import { scoreTask } from '../score/task.ts';
import { formatJson, writeFileAtomic } from '../store/atomic.ts';
import { hashValue } from '../util/hash.ts';
import type { CorpusReadLimits } from '../util/inside.ts';
import { forEachLimited } from '../util/limit.ts';
import { runAgentLoop } from './loop.ts';
import type { EvalModel } from './model/cached.ts';
import { type RunKey, type RunRecord, readRunRecord, runName, writeRun } from './record.ts';
import { type EvalSummary, summariseRuns } from './summary.ts';
import type { EvalTask } from './tasks.ts';
import { makeWorkFolder, removeWorkFolder } from './workdir.ts';

export interface PlannedRun extends RunKey {
  entry: EvalTask;
}

/** Every (task, variant, repeat) in a stable order: task, then variant, then repeat. */
export function planRuns(
  tasks: readonly EvalTask[],
  variants: readonly Variant[],
  repeats: number,
): PlannedRun[] {
  return tasks.flatMap((entry) =>
    variants.flatMap((variant) =>
      Array.from({ length: repeats }, (_, index) => ({
        task: entry.task,
        variant,
        repeat: index + 1,
        entry,
      })),
    ),
  );
}

export interface EvalOptions {
  release: string;
  /** The model's results folder: runs/ and summary.json go there. */
  outDir: string;
  runs: readonly PlannedRun[];
  model: EvalModel;
  executor: Executor;
  turns: number;
  toolTimeoutS: number;
  memoryLimitMb: number;
  maxFileBytes: number;
  limits: CorpusReadLimits;
  noData: boolean;
  concurrency: number;
  maxCostUsd?: number;
  progress?: (line: string) => void;
}

export interface EvalResult {
  summary: EvalSummary;
  /** Runs done by this invocation, and runs whose record already existed (skipped). */
  done: number;
  skipped: number;
  /** Runs not started because --max-cost-usd was reached. */
  notStarted: number;
  spentUsd: number;
}

/** Question v1 for IF/XF, v2 for MM/CF: the variant names the question. */
async function runOne(
  run: PlannedRun,
  options: EvalOptions,
  onCost: (usd: number) => void,
): Promise<RunRecord> {
  const started = performance.now();
  const workDir = await makeWorkFolder({
    release: options.release,
    task: run.task,
    files: run.entry.neededFiles[run.variant],
    noData: options.noData,
    maxFileBytes: options.limits.maxFileBytes,
  });
  try {
    const agent = await runAgentLoop({
      model: options.model,
      executor: options.executor,
      workDir,
      question: run.entry.questions[run.variant],
      task: run.task,
      repeat: run.repeat,
      maxTurns: options.turns,
      limits: {
        timeoutS: options.toolTimeoutS,
        memoryLimitMb: options.memoryLimitMb,
        maxFileBytes: options.maxFileBytes,
      },
      onCost,
    });
    const scored = await scoreTask({
      corpus: options.release,
      task: run.task,
      family: run.entry.family,
      variant: run.variant,
      predictions: workDir,
      predictionLabel: 'prediction.csv',
      rlReward: true,
      limits: options.limits,
    });
    const status =
      agent.sandbox_errors > 0
        ? 'sandbox_error'
        : agent.ended === 'turn_limit'
          ? 'turn_limit'
          : scored.prediction_exists
            ? 'answered'
            : 'no_prediction';
    const record: RunRecord = {
      format: 'dare-forge.eval-run/1',
      settings_sha256: runSettingsHash(run, options),
      task: run.task,
      family: run.entry.family,
      variant: run.variant,
      repeat: run.repeat,
      model: options.model.spec,
      score: scored.score,
      reward: scored.reward,
      score_reason: scored.reason,
      turns: agent.turns,
      tool_calls: agent.tool_calls,
      tool_errors: agent.tool_errors,
      tokens_in: agent.tokens_in,
      tokens_out: agent.tokens_out,
      cost_usd: agent.cost_usd,
      wall_s: Math.round((performance.now() - started) / 10) / 100,
      status,
      blocked_attempts: agent.blocked_attempts,
      no_data: options.noData,
    };
    await writeRun(join(options.outDir, 'runs'), record, options.model.tools, agent.messages);
    return record;
  } finally {
    await removeWorkFolder(workDir);
  }
}

/** What a run's outcome depends on besides the model (see RunRecord.settings_sha256). */
export function runSettingsHash(run: PlannedRun, options: EvalOptions): string {
  return hashValue({
    question: run.entry.questions[run.variant],
    files: options.noData ? [] : run.entry.neededFiles[run.variant],
    turns: options.turns,
    tool_timeout_s: options.toolTimeoutS,
    memory_limit_mb: options.memoryLimitMb,
    max_file_bytes: options.maxFileBytes,
  });
}

/**
 * Runs every planned run not already recorded, `concurrency` at a time; a run whose record
 * exists is skipped, so a killed eval resumes (and its model calls replay from the cache).
 * Past --max-cost-usd no new run starts; the ones in flight finish and are written.
 */
export async function runEval(options: EvalOptions): Promise<EvalResult> {
  const runsDir = join(options.outDir, 'runs');
  await mkdir(runsDir, { recursive: true });
  const progress = options.progress ?? (() => {});
  const records = new Map<string, RunRecord>();
  const pending: PlannedRun[] = [];
  for (const run of options.runs) {
    const existing = await readRunRecord(runsDir, run);
    if (
      existing &&
      existing.model === options.model.spec &&
      existing.no_data === options.noData &&
      existing.settings_sha256 === runSettingsHash(run, options)
    ) {
      records.set(runName(run), existing);
    } else pending.push(run);
  }
  const skipped = records.size;
  if (skipped > 0) progress(`eval: ${skipped} run(s) already recorded in ${runsDir}, skipped`);
  let spent = 0;
  let done = 0;
  const overBudget = () => options.maxCostUsd !== undefined && spent >= options.maxCostUsd;
  // Past the budget no new run starts; after a failure (a refused key, a provider down) none
  // either, and it is raised once every run in flight has finished.
  await forEachLimited(pending, Math.max(1, options.concurrency), async (run) => {
    if (overBudget()) return;
    const record = await runOne(run, options, (usd) => {
      spent += usd;
    });
    records.set(runName(run), record);
    done += 1;
    const score = record.score === null ? 'unscorable' : `score ${record.score.toFixed(3)}`;
    progress(
      `eval: [${skipped + done}/${options.runs.length}] ${runName(run)} ${record.status}, ${score}, ${record.turns} turn(s), ${record.tool_calls} tool call(s)`,
    );
  });
  const ordered = options.runs.flatMap((run) => records.get(runName(run)) ?? []);
  const summary = summariseRuns(options.model.spec, ordered);
  await writeFileAtomic(join(options.outDir, 'summary.json'), formatJson(summary));
  return {
    summary,
    done,
    skipped,
    notStarted: pending.length - done,
    spentUsd: Math.round(spent * 1e8) / 1e8,
  };
}
