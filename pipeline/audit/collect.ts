import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Context } from '../context.ts';
import { stageOrder } from '../store/paths.ts';
import { compareCodeUnits } from '../util/order.ts';
import { type AuditCalibration, readReleaseCalibration } from './calibration.ts';
import { collectTasks, type TaskRow, verifiableFormats } from './tasks.ts';

export interface StageFunnelRow {
  stage: string;
  ok: number;
  rejected: number;
  error: number;
}

export interface ReasonRow {
  /** A stage name, or `verify task` for rows that count tasks rather than datasets. */
  stage: string;
  status: 'rejected' | 'error';
  reason: string;
  count: number;
  examples: string[];
}

export interface DurationRow {
  stage: string;
  datasets: number;
  total_ms: number;
  median_ms: number;
  p95_ms: number;
}

export interface CheckRow {
  check: string;
  family: string;
  pass: number;
  fail: number;
  flag: number;
  skip: number;
}

export interface AuditData {
  datasets: number;
  funnel: StageFunnelRow[];
  /** Task type -> counts at drafted, built, verified (passed) and released. */
  task_funnel: Record<string, { drafted: number; built: number; verified: number; released: number }>;
  reasons: ReasonRow[];
  durations: DurationRow[];
  checks: CheckRow[];
  /** `<check>.<metric>` -> measured values, e.g. learnable.baseline_score. */
  scores: Record<string, number[]>;
  llm: {
    provider: string;
    model: string;
    calls: number;
    cached: number;
    input_tokens: number;
    output_tokens: number;
    cost_usd: number;
  }[];
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

const familyOfKey: Record<string, string> = { classification: 'class', regression: 'reg', time_series: 'ts' };

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
    const funnelRows = await rows(
      connection,
      `SELECT stage, count(*) FILTER (outcome.status = 'ok')::INT AS ok, count(*) FILTER (outcome.status = 'rejected')::INT AS rejected,
              count(*) FILTER (outcome.status = 'error')::INT AS error FROM status GROUP BY stage`,
    );
    const funnel = stageOrder.map((stage) => {
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

    const drafts = await rows(
      connection,
      `SELECT dataset, provider, model, families::VARCHAR AS families, requests::VARCHAR AS requests
       FROM read_json(${q(join(ctx.paths.processed, '*', 'draft.json'))}, columns = {dataset: 'VARCHAR', provider: 'VARCHAR', model: 'VARCHAR', families: 'JSON', requests: 'JSON'})`,
    );
    const verdicts = await rows(
      connection,
      `SELECT dataset, tasks::VARCHAR AS tasks FROM read_json(${q(join(ctx.paths.processed, '*', 'verdict.json'))}, columns = {dataset: 'VARCHAR', tasks: 'JSON'})`,
    );
    const taskFunnel: AuditData['task_funnel'] = {};
    const bump = (family: string, key: 'drafted' | 'built' | 'verified' | 'released') => {
      taskFunnel[family] ??= { drafted: 0, built: 0, verified: 0, released: 0 };
      taskFunnel[family][key] += 1;
    };
    const llm = new Map<string, AuditData['llm'][number]>();
    for (const draft of drafts) {
      const families = JSON.parse(String(draft.families)) as Record<string, { status: string }>;
      for (const [key, value] of Object.entries(families))
        if (value.status === 'ok') bump(familyOfKey[key] ?? key, 'drafted');
      const requests = JSON.parse(String(draft.requests ?? '[]')) as {
        input_tokens: number;
        output_tokens: number;
        cost_usd: number;
        cached: boolean;
      }[];
      const id = `${draft.provider}/${draft.model}`;
      const entry = llm.get(id) ?? {
        provider: String(draft.provider),
        model: String(draft.model),
        calls: 0,
        cached: 0,
        input_tokens: 0,
        output_tokens: 0,
        cost_usd: 0,
      };
      for (const r of requests) {
        entry.calls += 1;
        entry.cached += r.cached ? 1 : 0;
        entry.input_tokens += r.input_tokens;
        entry.output_tokens += r.output_tokens;
        entry.cost_usd += r.cost_usd;
      }
      llm.set(id, entry);
    }
    for (const id of await listDirs(ctx.paths.processed)) {
      for (const task of await listDirs(join(ctx.paths.processed, id, 'tasks')))
        bump(task.slice(task.lastIndexOf('_') + 1), 'built');
    }
    const checks = new Map<string, CheckRow>();
    const scores: Record<string, number[]> = {};
    for (const verdict of verdicts) {
      const tasks = JSON.parse(String(verdict.tasks)) as {
        family: string;
        status: string;
        checks: {
          name: string;
          status: 'pass' | 'fail' | 'flag' | 'skip';
          metrics?: Record<string, number>;
        }[];
      }[];
      for (const task of tasks) {
        if (task.status === 'passed') bump(task.family, 'verified');
        for (const check of task.checks) {
          const key = `${check.name}/${task.family}`;
          const row = checks.get(key) ?? {
            check: check.name,
            family: task.family,
            pass: 0,
            fail: 0,
            flag: 0,
            skip: 0,
          };
          row[check.status] += 1;
          checks.set(key, row);
          for (const [metric, value] of Object.entries(check.metrics ?? {})) {
            if (!Number.isFinite(value)) continue;
            const scoreKey = `${check.name}.${metric}`;
            scores[scoreKey] = [...(scores[scoreKey] ?? []), value];
          }
        }
      }
    }
    const release = await newestRelease(ctx.paths.splits);
    for (const task of release?.tasks ?? []) bump(task.slice(task.lastIndexOf('_') + 1), 'released');
    // The release is one artifact for the corpus: its funnel row counts datasets with a released task.
    const releaseRow = funnel.find((f) => f.stage === 'release');
    if (releaseRow && release) {
      releaseRow.ok = new Set(release.tasks.map((t) => t.slice(0, t.lastIndexOf('_')))).size;
    }
    const tasks = await collectTasks(
      ctx.paths,
      undefined,
      new Map((release?.splits ?? []).map((t) => [t.task, t.split])),
    );
    const taskReasons = new Map<string, ReasonRow>();
    for (const task of tasks) {
      if (task.stage !== 'verify' || task.status === 'passed' || task.status === 'not_verified') continue;
      const reason = task.reason ?? task.status;
      const row = taskReasons.get(reason) ?? {
        stage: 'verify task',
        status: 'rejected',
        reason,
        count: 0,
        examples: [],
      };
      row.count += 1;
      if (row.examples.length < 3) row.examples.push(task.task);
      taskReasons.set(reason, row);
    }
    reasons.push(
      ...[...taskReasons.values()].sort((a, b) => b.count - a.count || compareCodeUnits(a.reason, b.reason)),
    );
    return {
      datasets,
      funnel,
      task_funnel: Object.fromEntries(Object.entries(taskFunnel).sort(([a], [b]) => compareCodeUnits(a, b))),
      reasons,
      durations,
      checks: [...checks.values()].sort(
        (a, b) => compareCodeUnits(a.check, b.check) || compareCodeUnits(a.family, b.family),
      ),
      scores,
      llm: [...llm.values()],
      release: release ? { version: release.version, train: release.train, eval: release.eval } : null,
      tasks,
      verifiable_formats: await verifiableFormats(ctx.paths),
      calibration: await readReleaseCalibration(ctx.paths.splits, release?.version),
    };
  } finally {
    connection.closeSync();
  }
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
