import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildConfig } from '../../config/sections/build.ts';
import type { Context } from '../../context.ts';
import { errorMessage, Rejection } from '../../errors.ts';
import { type DatasetId, type TaskFamily, taskId } from '../../ids.ts';
import type { LlmClient } from '../../llm/types.ts';
import type { StageSummary } from '../../progress.ts';
import { runStage, type StageDefinition, type StageResult } from '../../runner.ts';
import { writeJsonAtomic } from '../../store/atomic.ts';
import { ok } from '../../store/outcome.ts';
import { listDatasetDirs, readStatus } from '../../store/status.ts';
import { checkInflatedSize } from '../../tables/reader.ts';
import { pathExists } from '../../util/fs.ts';
import { sha256File } from '../../util/hash.ts';
import type { Draft, TabularDecision } from '../draft/schema.ts';
import { inflatedCap, inflatedSetting } from '../profile/dataset.ts';
import type { StageRunOptions } from '../registry.ts';
import { type ComposeInput, composeTabular, composeTimeSeries } from './compose.ts';
import { checkProfiledColumns, dialectOf, readBuildInputs } from './inputs.ts';
import { metadataText } from './metadata.ts';
import type { RewriteRecord } from './rewrite/index.ts';
import { rewriteInputs, rewriteTask } from './rewrite/stage.ts';
import { type MainTableRows, mainTableRows } from './sample.ts';
import { openMainTable } from './source.ts';
import { mainTableReader } from './table.ts';
import { verifiableBuildConfig, verifiableFormatsFor } from './verifiable.ts';
import { QUESTION_ENTRY_FILE, writeTaskFolder } from './write-task.ts';

export { draftFromPublishedMetadata } from './published.ts';
export { QUESTION_ENTRY_FILE } from './write-task.ts';

type Composed = ReturnType<typeof composeTabular>;
type Declined = { reason: string; detail: string };
type Job = (input: Omit<ComposeInput, 'table'>, tables: MainTableRows) => Promise<Composed>;

/** Per drafted family: how to compose its task, or why the draft declined it. */
function familyJobs(draft: Draft): { key: string; suffix: TaskFamily; job: Job | Declined }[] {
  const { classification, regression, time_series } = draft.families;
  const tabular =
    (decision: TabularDecision): Job =>
    async (input, tables) =>
      composeTabular({ ...input, table: await tables.sample(decision) }, decision);
  return [
    {
      key: 'classification',
      suffix: 'class',
      job: classification.status === 'ok' ? tabular(classification.decision) : classification,
    },
    {
      key: 'regression',
      suffix: 'reg',
      job: regression.status === 'ok' ? tabular(regression.decision) : regression,
    },
    {
      key: 'time_series',
      suffix: 'ts',
      job:
        time_series.status === 'ok'
          ? async (input, tables) =>
              composeTimeSeries({ ...input, table: await tables.whole() }, time_series.decision)
          : time_series,
    },
  ];
}

/** One line per family in processed/<id>/build.json: what was built, or why not. */
type FamilyRecord =
  | { family: string; task: string; status: 'built'; counts: object; rewrite?: RewriteRecord[] }
  | { family: string; task: string; status: 'declined' | 'rejected'; reason: string; detail: string };

/** The build stage; with an LLM client, questions may be rewritten (build.rewrite). */
export function makeBuildStage(llm?: LlmClient): StageDefinition {
  return {
    stage: 'build',
    code: {
      modules: [import.meta.url, new URL('../../llm/index.ts', import.meta.url).href],
      packages: ['@duckdb/node-api', 'sql.js'],
    },
    inputs: async (ctx, id) => {
      const rewrite = rewriteInputs(ctx.config.build, llm);
      return { ...(await buildInputs(ctx, id)), ...(rewrite ? { rewrite } : {}) };
    },
    process: (ctx, id) => buildDataset(ctx, id, llm),
  };
}

export const buildStage: StageDefinition = makeBuildStage();

/**
 * The draft record build relies on: a draft.json is only built while the draft stage's latest
 * record says ok (a failed or rejected later draft leaves an older file behind).
 */
async function okDraftStatus(
  ctx: Context,
  id: DatasetId,
): Promise<{ inputs_hash: string; code_version: string }> {
  const status = await readStatus(ctx.paths, 'draft', id);
  if (!status && !(await pathExists(ctx.paths.artifact(id, 'draft.json')))) {
    throw new Rejection('no_draft', `${ctx.paths.artifact(id, 'draft.json')} is missing; run draft first`);
  }
  if (status?.outcome.status !== 'ok') {
    const how = status ? `${status.outcome.status}(${status.outcome.reason})` : 'without a record';
    throw new Rejection(
      'draft_not_ok',
      `the latest draft of ${id} ended ${how}: build uses draft.json only when its draft ended ok; rerun draft`,
    );
  }
  return { inputs_hash: status.inputs_hash, code_version: status.code_version };
}

/** The build config with only the formats the verifier can read (probed once per run). */
async function buildConfig(ctx: Context): Promise<BuildConfig> {
  const first = !verifiableProbed.has(ctx);
  verifiableProbed.add(ctx);
  const formats = await verifiableFormatsFor(ctx, ctx.config.verify.python);
  // Said once as it happens; the run summary repeats the same note (run below).
  const note = first ? formatNote(ctx.config.build, formats) : undefined;
  if (note) ctx.logger.warn(`environment: ${note}`);
  return verifiableBuildConfig(ctx.config.build, formats);
}
const verifiableProbed = new WeakSet<object>();

async function buildInputs(ctx: Context, id: DatasetId): Promise<object> {
  const draftStatus = await okDraftStatus(ctx, id);
  const draftPath = ctx.paths.artifact(id, 'draft.json');
  const profilePath = ctx.paths.artifact(id, 'profile.json');
  const inputs = await readBuildInputs(ctx, id);
  return {
    draft: await sha256File(draftPath),
    draft_status: draftStatus,
    profile: (await pathExists(profilePath)) ? await sha256File(profilePath) : null,
    listing: inputs.listing,
    metadata: inputs.metadata,
    main_table: await sha256File(inputs.mainTablePath),
    build: await buildConfig(ctx),
    seed: ctx.config.corpus.seed,
  };
}

async function buildDataset(ctx: Context, id: DatasetId, llm: LlmClient | undefined): Promise<StageResult> {
  const inputs = await readBuildInputs(ctx, id);
  const duckdb = await ctx.duckdb();
  const tables = await openTables(ctx, id, inputs);
  const base: Omit<ComposeInput, 'task' | 'table'> = {
    datasetId: id,
    corpusSeed: ctx.config.corpus.seed,
    config: await buildConfig(ctx),
    envelope: { listing: inputs.listing, metadata: inputs.metadata },
    metadataText: metadataText(inputs.metadata, inputs.draft.main_table),
  };
  const records: FamilyRecord[] = [];
  const artifacts: string[] = [];
  for (const { key, suffix, job } of familyJobs(inputs.draft)) {
    const task = taskId(id, suffix);
    const dir = ctx.paths.taskDir(id, task);
    const composed = typeof job === 'function' ? await composeOrReject(job, { ...base, task }, tables) : job;
    if ('reason' in composed) {
      const status = typeof job === 'function' ? 'rejected' : 'declined';
      records.push({ family: key, task, status, reason: composed.reason, detail: composed.detail });
      await rm(dir, { recursive: true, force: true });
      continue;
    }
    const { contents, rewrite } = await rewriteTask({
      llm,
      config: ctx.config.build,
      metadata: inputs.metadata,
      mainTable: inputs.draft.main_table,
      dataset: id,
      contents: composed.contents,
      subjects: composed.subjects,
    });
    await writeTaskFolder(duckdb, dir, contents);
    records.push({
      family: key,
      task,
      status: 'built',
      counts: composed.counts,
      ...(rewrite ? { rewrite } : {}),
    });
    artifacts.push(join(dir, 'verify', 'all_metadata.json'), join(dir, QUESTION_ENTRY_FILE));
  }
  const summaryPath = ctx.paths.artifact(id, 'build.json');
  const verifiable = await verifiableFormatsFor(ctx, ctx.config.verify.python);
  await writeJsonAtomic(summaryPath, { dataset: id, verifiable_formats: verifiable, tasks: records });
  return { outcome: buildOutcome(records), artifacts: [...artifacts, summaryPath] };
}

/** The main table, checked against its inflated-size cap and its profiled columns. */
async function openTables(
  ctx: Context,
  id: DatasetId,
  inputs: Awaited<ReturnType<typeof readBuildInputs>>,
): Promise<MainTableRows> {
  const duckdb = await ctx.duckdb();
  const { mainTablePath } = inputs;
  const compressed = (await stat(mainTablePath)).size;
  const cap = inflatedCap(compressed, ctx.config.profile);
  await checkInflatedSize(mainTablePath, inputs.draft.main_table, cap, inflatedSetting);
  const reader = mainTableReader(mainTablePath, dialectOf(inputs.profile, inputs.draft.main_table));
  const main = await openMainTable(duckdb, reader, inputs.mainTablePath, {
    maxTableRows: ctx.config.build.max_table_rows,
  });
  checkProfiledColumns(main.columns, inputs.profile, inputs.draft.main_table);
  return mainTableRows(duckdb, main, ctx.config.build, ctx.config.corpus.seed, id);
}

/** A family's composed task, or the Rejection that stopped it (anything else is a bug). */
async function composeOrReject(
  job: Job,
  input: Omit<ComposeInput, 'table'>,
  tables: MainTableRows,
): Promise<Composed | Declined> {
  try {
    return await job(input, tables);
  } catch (error) {
    if (!(error instanceof Rejection)) throw error;
    return { reason: error.reason, detail: errorMessage(error) };
  }
}

/** ok with the tasks built (and rewrites kept as template text); no task at all rejects the dataset. */
function buildOutcome(records: readonly FamilyRecord[]) {
  const built = records.filter((r) => r.status === 'built');
  if (built.length === 0) {
    const why = records.map((r) => (r.status === 'built' ? '' : `${r.family}: ${r.reason}`)).join('; ');
    throw new Rejection('no_tasks', `no task could be built (${why})`);
  }
  const rejectedRewrites = built.flatMap((r) =>
    r.status === 'built'
      ? (r.rewrite ?? [])
          .filter((w) => w.status !== 'accepted')
          .map((w) => `${r.task} ${w.variant} ${w.reason}`)
      : [],
  );
  const rewriteNote = rejectedRewrites.length ? `; template text kept: ${rejectedRewrites.join(', ')}` : '';
  return ok(`${built.length} task(s): ${built.map((r) => r.task).join(', ')}${rewriteNote}`);
}

/**
 * Builds every dataset whose draft ended ok, plus those built before (or only the given ones
 * among them). build.rewrite uses the context's LLM client unless draft.provider is offline.
 */
export async function run(ctx: Context, opts: StageRunOptions = {}): Promise<StageSummary> {
  const only = opts.only ? new Set<string>(opts.only) : undefined;
  const ids = (await draftedDatasets(ctx)).filter((id) => !only || only.has(id));
  const rewrite = ctx.config.build.rewrite.enabled && ctx.config.draft.provider !== 'offline';
  const llm = rewrite ? await ctx.llm() : undefined;
  if (ctx.config.build.rewrite.enabled && !llm) {
    ctx.logger.warn(
      'build.rewrite.enabled is set but no LLM client is available: questions keep their template text.',
    );
  }
  const summary = await runStage(ctx, makeBuildStage(llm), ids, { force: opts.force });
  const note = formatNote(ctx.config.build, await verifiableFormatsFor(ctx, ctx.config.verify.python));
  return note ? { ...summary, notes: [note] } : summary;
}

/** What the run summary says when a weighted format cannot be verified here (else nothing). */
export function formatNote(config: BuildConfig, formats: readonly string[]): string | undefined {
  const dropped = (['csv', 'sqlite', 'parquet'] as const).filter(
    (f) => config.file_format_weights[f] > 0 && !formats.includes(f),
  );
  if (dropped.length === 0) return undefined;
  return `verify.python cannot read ${dropped.join(', ')} (parquet needs pyarrow or fastparquet), so tabular formats were drawn among ${formats.join(', ')} only`;
}

/**
 * Datasets whose draft ended ok, and those with a build record: a dataset built before whose
 * draft no longer ends ok gets its build record replaced (draft_not_ok), so the old tasks
 * stop counting as built.
 */
async function draftedDatasets(ctx: Context): Promise<DatasetId[]> {
  const ids: DatasetId[] = [];
  for (const id of await listDatasetDirs(ctx.paths.processed)) {
    const draft = await readStatus(ctx.paths, 'draft', id);
    if (draft?.outcome.status === 'ok' || (await pathExists(ctx.paths.statusFile('build', id)))) ids.push(id);
  }
  return ids;
}
