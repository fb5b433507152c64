import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Context } from '../context.ts';
import { stageOrder } from '../store/paths.ts';
import { type AuditCalibration, readReleaseCalibration } from './calibration.ts';
import {
  type CheckRow,
  countTaskFunnel,
  familyOfTask,
  type LlmUsage,
  type ReasonRow,
  type TaskFunnel,
  tallyDrafts,
  tallyVerdicts,
  taskReasonRows,
} from './tally.ts';
import { collectTasks, type TaskRow, verifiableFormats } from './tasks.ts';

export type { CheckRow, ReasonRow } from './tally.ts';

export interface StageFunnelRow {
  stage: string;
  ok: number;
  rejected: number;
  error: number;
}

export interface DurationRow {
  stage: string;
  datasets: number;
  total_ms: number;
  median_ms: number;
  p95_ms: number;
}

export interface AuditData {
  datasets: number;
  funnel: StageFunnelRow[];
  /** Task type -> counts at drafted, built, verified (passed) and released. */
  task_funnel: TaskFunnel;
  reasons: ReasonRow[];
  durations: DurationRow[];
  checks: CheckRow[];
  /** `<check>.<metric>` -> measured values, e.g. learnable.baseline_score. */
  scores: Record<string, number[]>;
  llm: LlmUsage[];
  release: { version: string; train: number; eval: number } | null;
  /** Every task: type, format, status, failing check (and its variant), reason, detail, scores. */
  tasks: TaskRow[];
  /** Task file formats the verifier could check when build ran (null before any build). */
  verifiable_formats: string[] | null;
  /** The newest release's calibration (`dare-forge calibrate`), null when it has none. */
  calibration?: AuditCalibration | null;
}

const q = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** Rows of a DuckDB query over JSON artifacts; a glob matching no file gives no rows. */
async function rows(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  try {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } catch (error) {
    if (/No files found/i.test(String(error))) return [];
    throw error;
  }
}

/** A `status` view over every stage's status records (empty, with the same columns, when none). */
async function createStatusView(connection: DuckDBConnection, processed: string): Promise<void> {
  const statusGlob = q(join(processed, '*', 'status', '*.json'));
  await connection
    .run(
      `CREATE OR REPLACE TEMP VIEW status AS SELECT * FROM read_json(${statusGlob}, format = 'auto', columns = {
      dataset: 'VARCHAR', stage: 'VARCHAR', duration_ms: 'DOUBLE',
      outcome: 'STRUCT(status VARCHAR, reason VARCHAR, detail VARCHAR)'})`,
    )
    .catch(async (error: unknown) => {
      if (!/No files found/i.test(String(error))) throw error;
      await connection.run(
        "CREATE OR REPLACE TEMP VIEW status AS SELECT NULL::VARCHAR AS dataset, NULL::VARCHAR AS stage, NULL::DOUBLE AS duration_ms, {'status': NULL::VARCHAR, 'reason': NULL::VARCHAR, 'detail': NULL::VARCHAR} AS outcome WHERE false",
      );
    });
}

/** Reads every artifact under processed/ (and the newest release) into the audit's tables. */
export async function collectAudit(ctx: Context): Promise<AuditData> {
  const connection = await (await ctx.duckdb()).connect();
  try {
    await createStatusView(connection, ctx.paths.processed);
    const status = await statusTables(connection);
    const drafts = tallyDrafts(
      await rows(
        connection,
        `SELECT dataset, provider, model, families::VARCHAR AS families, requests::VARCHAR AS requests
       FROM read_json(${q(join(ctx.paths.processed, '*', 'draft.json'))}, columns = {dataset: 'VARCHAR', provider: 'VARCHAR', model: 'VARCHAR', families: 'JSON', requests: 'JSON'})`,
      ),
    );
    const verdicts = tallyVerdicts(
      await rows(
        connection,
        `SELECT dataset, tasks::VARCHAR AS tasks FROM read_json(${q(join(ctx.paths.processed, '*', 'verdict.json'))}, columns = {dataset: 'VARCHAR', tasks: 'JSON'})`,
      ),
    );
    const built = await builtTaskFolders(ctx.paths.processed);
    const release = await newestRelease(ctx.paths.splits);
    // The release is one artifact for the corpus: its funnel row counts datasets with a released task.
    const releaseRow = status.funnel.find((f) => f.stage === 'release');
    if (releaseRow && release) {
      releaseRow.ok = new Set(release.tasks.map((t) => t.slice(0, t.lastIndexOf('_')))).size;
    }
    const tasks = await collectTasks(
      ctx.paths,
      undefined,
      new Map((release?.splits ?? []).map((t) => [t.task, t.split])),
    );
    return {
      datasets: status.datasets,
      funnel: status.funnel,
      task_funnel: countTaskFunnel({
        drafted: drafts.drafted,
        built: built.map(familyOfTask),
        verified: verdicts.verified,
        released: (release?.tasks ?? []).map(familyOfTask),
      }),
      reasons: [...status.reasons, ...taskReasonRows(tasks)],
      durations: status.durations,
      checks: verdicts.checks,
      scores: verdicts.scores,
      llm: drafts.llm,
      release: release ? { version: release.version, train: release.train, eval: release.eval } : null,
      tasks,
      verifiable_formats: await verifiableFormats(ctx.paths),
      calibration: await readReleaseCalibration(ctx.paths.splits, release?.version),
    };
  } finally {
    connection.closeSync();
  }
}

/** The dataset-level tables, from the `status` view: funnel per stage, reasons, durations. */
async function statusTables(connection: DuckDBConnection) {
  const funnelRows = await rows(
    connection,
    `SELECT stage, count(*) FILTER (outcome.status = 'ok')::INT AS ok, count(*) FILTER (outcome.status = 'rejected')::INT AS rejected,
              count(*) FILTER (outcome.status = 'error')::INT AS error FROM status GROUP BY stage`,
  );
  const funnel: StageFunnelRow[] = stageOrder.map((stage) => {
    const row = funnelRows.find((r) => r.stage === stage);
    return {
      stage,
      ok: Number(row?.ok ?? 0),
      rejected: Number(row?.rejected ?? 0),
      error: Number(row?.error ?? 0),
    };
  });
  const reasons = (
    await rows(
      connection,
      `SELECT stage, outcome.status AS status, outcome.reason AS reason, count(*)::INT AS count,
                list(dataset ORDER BY dataset)[1:3] AS examples
         FROM status WHERE outcome.status <> 'ok' GROUP BY ALL ORDER BY count DESC, stage, reason`,
    )
  ).map((r) => ({ ...r, examples: [...(r.examples as string[])] }) as ReasonRow);
  const durations = (
    await rows(
      connection,
      `SELECT stage, count(*)::INT AS datasets, sum(duration_ms)::DOUBLE AS total_ms,
                median(duration_ms)::DOUBLE AS median_ms, quantile_cont(duration_ms, 0.95)::DOUBLE AS p95_ms
         FROM status GROUP BY stage`,
    )
  ).sort(
    (a, b) => stageOrder.indexOf(a.stage as never) - stageOrder.indexOf(b.stage as never),
  ) as unknown as DurationRow[];
  const datasets = Number(
    (await rows(connection, 'SELECT count(DISTINCT dataset)::INT AS n FROM status'))[0]?.n ?? 0,
  );
  return { funnel, reasons, durations, datasets };
}

/** Every built task folder, dataset by dataset. */
async function builtTaskFolders(processed: string): Promise<string[]> {
  const built: string[] = [];
  for (const id of await listDirs(processed)) built.push(...(await listDirs(join(processed, id, 'tasks'))));
  return built;
}

async function listDirs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && !d.name.startsWith('.') && !d.name.startsWith('_'))
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

function semverKey(version: string): number[] {
  return version.split('.').map(Number);
}

export async function newestRelease(splits: string) {
  const versions = (await listDirs(splits)).filter((v) => /^\d+\.\d+\.\d+$/.test(v));
  versions.sort((a, b) => {
    const [x, y] = [semverKey(a), semverKey(b)];
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
  });
  const version = versions.at(-1);
  if (!version) return null;
  try {
    const manifest = JSON.parse(await readFile(join(splits, version, 'manifest.json'), 'utf8')) as {
      tasks: { task: string; split: string }[];
    };
    return {
      version,
      tasks: manifest.tasks.map((t) => t.task),
      splits: manifest.tasks,
      train: manifest.tasks.filter((t) => t.split === 'train').length,
      eval: manifest.tasks.filter((t) => t.split === 'eval').length,
    };
  } catch {
    return null;
  }
}
