import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Context } from './context.ts';
import { errorMessage, Rejection, UserError } from './errors.ts';
import type { DatasetId } from './ids.ts';
import { emptySummary, type StageSummary } from './progress.ts';
import { inShard } from './shard.ts';
import { sweepTempFiles } from './store/atomic.ts';
import { type CodeSpec, stageCodeVersion } from './store/code-version.ts';
import { failed, type Outcome, type StatusRecord } from './store/outcome.ts';
import type { StageName } from './store/paths.ts';
import { readStatus, writeStatus } from './store/status.ts';
import { hashValue } from './util/hash.ts';
import { forEachLimited } from './util/limit.ts';

export interface StageResult {
  outcome: Outcome;
  /** Files (absolute) this stage wrote for the dataset; a missing one makes the dataset stale. */
  artifacts?: string[];
}

/** What a stage tells the runner: what its output depends on, and how to make it. */
export interface StageDefinition {
  stage: StageName;
  /** A hand-kept version, for stages without a code spec (tests); the code digest does the rest. */
  version?: string;
  /** The modules, Python programs and packages that make the output: an edit to any makes it stale. */
  code?: CodeSpec;
  /** Everything the output depends on (upstream hashes, config slice); hashed for freshness. */
  inputs(ctx: Context, id: DatasetId): Promise<unknown>;
  process(ctx: Context, id: DatasetId, inputsHash: string): Promise<StageResult>;
}

export interface RunOptions {
  force?: boolean;
}

/**
 * Runs one stage over datasets with bounded concurrency. Each dataset ends ok, rejected or
 * error; a thrown Rejection becomes rejected(reason), any other throw error(unexpected). The
 * status record is written last, so a crash mid-dataset leaves it stale, never half-done.
 */
export async function runStage(
  ctx: Context,
  definition: StageDefinition,
  allIds: readonly DatasetId[],
  options: RunOptions = {},
): Promise<StageSummary> {
  const started = ctx.clock.now();
  const ids = allIds.filter((id) => inShard(id, ctx.shard));
  const summary = emptySummary(definition.stage, ids.length);
  ctx.progress.emit({ type: 'stage:start', stage: definition.stage, total: ids.length });
  const codeVersion = await stageCodeVersion(definition);
  // A UserError in one dataset stops the run: the datasets in flight are aborted through their
  // signal and awaited, so none is still working when the caller closes DuckDB or the pool.
  // An interrupt (ctx.signal, the first Ctrl-C) only stops taking new datasets: the ones in
  // flight finish and record a real outcome instead of an error the interrupt caused.
  const stop = new AbortController();
  const stageCtx: Context = { ...ctx, signal: stop.signal };
  const noMore = AbortSignal.any([ctx.signal, stop.signal]);

  const run: StageRun = { ctx, stageCtx, definition, codeVersion, summary, force: options.force === true };
  const guarded = async (id: DatasetId) => {
    try {
      await runDataset(run, id);
    } catch (error) {
      stop.abort(error);
      throw error;
    }
  };
  await forEachLimited(ids, ctx.concurrency, guarded, noMore);
  summary.wall_ms = Math.round(ctx.clock.now() - started);
  ctx.progress.emit({ type: 'stage:end', summary });
  return summary;
}

/** What every dataset of one stage run shares. */
interface StageRun {
  ctx: Context;
  /** The context the stage's own code gets: its signal also stops on a UserError elsewhere. */
  stageCtx: Context;
  definition: StageDefinition;
  codeVersion: string;
  summary: StageSummary;
  force: boolean;
}

/** One dataset through the stage: its inputs unreadable (an error record), fresh, or processed. */
async function runDataset(run: StageRun, id: DatasetId): Promise<void> {
  const { ctx, stageCtx, definition, summary } = run;
  const t0 = ctx.clock.now();
  ctx.progress.emit({ type: 'dataset:start', stage: definition.stage, id });
  let inputsHash: string;
  try {
    inputsHash = hashValue(await definition.inputs(stageCtx, id));
  } catch (error) {
    if (error instanceof UserError) throw error;
    const outcome = toOutcome(error, ctx);
    // Replace any earlier ok record: left in place, it would keep the dataset "ok" for the
    // next stages although its inputs are gone. The empty hash never matches a real one.
    await writeStatus(ctx.paths, statusRecord(run, id, t0, '', { outcome }));
    record(summary, id, outcome, false, ctx, definition.stage, t0);
    return;
  }
  const previous = await readStatus(ctx.paths, definition.stage, id);
  if (!run.force && previous && (await isFresh(ctx, previous, inputsHash, run.codeVersion))) {
    record(summary, id, previous.outcome, true, ctx, definition.stage, t0);
    return;
  }
  await sweepTempFiles(ctx.paths.processedDir(id));
  let result: StageResult;
  try {
    result = await definition.process(stageCtx, id, inputsHash);
  } catch (error) {
    if (error instanceof UserError) throw error;
    result = { outcome: toOutcome(error, ctx) };
  }
  await writeStatus(ctx.paths, statusRecord(run, id, t0, inputsHash, result));
  record(summary, id, result.outcome, false, ctx, definition.stage, t0);
}

function statusRecord(
  run: StageRun,
  id: DatasetId,
  t0: number,
  inputsHash: string,
  result: StageResult,
): StatusRecord {
  const { ctx } = run;
  return {
    stage: run.definition.stage,
    dataset: id,
    inputs_hash: inputsHash,
    code_version: run.codeVersion,
    outcome: result.outcome,
    started_at: new Date(t0).toISOString(),
    duration_ms: Math.round(ctx.clock.now() - t0),
    // Relative to processed/, so a moved or shared work folder stays fresh.
    artifacts: (result.artifacts ?? []).map((a) => (isAbsolute(a) ? relative(ctx.paths.processed, a) : a)),
  };
}

/** A dataset's record is fresh: same inputs and code, not an error, every artifact still there. */
async function isFresh(
  ctx: Context,
  previous: StatusRecord,
  inputsHash: string,
  codeVersion: string,
): Promise<boolean> {
  return (
    previous.inputs_hash === inputsHash &&
    previous.code_version === codeVersion &&
    previous.outcome.status !== 'error' &&
    (await allExist(previous.artifacts.map((a) => resolve(ctx.paths.processed, a))))
  );
}

/** Details land in status files and run records: scrub registered secrets from them too. */
function toOutcome(error: unknown, ctx: Context): Outcome {
  const detail = ctx.logger.redact(errorMessage(error));
  if (error instanceof Rejection) return { status: 'rejected', reason: error.reason, detail };
  // Errors that know what went wrong carry a stable `reason` (e.g. kaggle_unavailable).
  const reason = (error as { reason?: unknown } | null)?.reason;
  return failed(
    typeof reason === 'string' && /^[a-z][a-z0-9_]*$/.test(reason) ? reason : 'unexpected',
    detail,
  );
}

function record(
  summary: StageSummary,
  id: DatasetId,
  outcome: Outcome,
  fresh: boolean,
  ctx: Context,
  stage: StageName,
  t0: number,
): void {
  if (fresh) summary.fresh += 1;
  else summary.processed += 1;
  if (outcome.status === 'ok') summary.ok += 1;
  else {
    const bucket = outcome.status === 'rejected' ? summary.rejected : summary.errors;
    bucket[outcome.reason] = (bucket[outcome.reason] ?? 0) + 1;
    summary.failures.push({ id, status: outcome.status, reason: outcome.reason, detail: outcome.detail });
  }
  ctx.progress.emit({ type: 'dataset:end', stage, id, outcome, fresh, ms: Math.round(ctx.clock.now() - t0) });
}

async function allExist(files: readonly string[]): Promise<boolean> {
  for (const file of files) {
    try {
      await stat(file);
    } catch {
      return false;
    }
  }
  return true;
}
