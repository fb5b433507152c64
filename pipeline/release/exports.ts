import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import type { ReleaseTask } from './collect.ts';

const taskTypes = { class: 'classification', reg: 'regression', ts: 'time_series_analysis' } as const;

export interface TaskRow {
  id: string;
  task: string;
  split: 'train' | 'eval';
  variant: 'v1' | 'v2';
  task_type: string;
  variant_kind: string;
  question: string;
  needed_files: string[];
  license: string;
  open_license: boolean;
  last_updated: string | null;
  title: string;
}

/** One row per task variant, for the JSONL/Parquet exports. */
export function taskRows(
  task: ReleaseTask,
  split: 'train' | 'eval',
  license: string,
  openLicense: boolean,
): TaskRow[] {
  const kinds =
    task.family === 'ts'
      ? { v1: 'exogenous_forecasting', v2: 'canonical_forecasting' }
      : { v1: 'instruction_following', v2: 'free_modeling' };
  return (['v1', 'v2'] as const).map((variant) => ({
    id: `${task.task}:${variant}`,
    task: task.task,
    split,
    variant,
    task_type: taskTypes[task.family],
    variant_kind: kinds[variant],
    question: String(task.entry[`question_${variant}`] ?? ''),
    needed_files: asStrings(task.entry[`needed_files_${variant}`]),
    license,
    open_license: openLicense,
    last_updated: task.lastUpdated,
    title: task.title,
  }));
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

export function toJsonl(rows: readonly TaskRow[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
}

/** Parquet from the JSONL, by DuckDB on one thread with an explicit schema (byte-stable output). */
export async function writeParquet(
  duckdb: () => Promise<DuckDBInstance>,
  jsonlPath: string,
  parquetPath: string,
): Promise<void> {
  const connection = await (await duckdb()).connect();
  try {
    await connection.run('SET threads = 1');
    await connection.run('SET preserve_insertion_order = true');
    const columns =
      "{'id': 'VARCHAR', 'task': 'VARCHAR', 'split': 'VARCHAR', 'variant': 'VARCHAR', 'task_type': 'VARCHAR', " +
      "'variant_kind': 'VARCHAR', 'question': 'VARCHAR', 'needed_files': 'VARCHAR[]', 'license': 'VARCHAR', " +
      "'open_license': 'BOOLEAN', 'last_updated': 'VARCHAR', 'title': 'VARCHAR'}";
    const escaped = (p: string) => `'${p.replace(/'/g, "''")}'`;
    await connection.run(
      `COPY (SELECT * FROM read_json(${escaped(jsonlPath)}, format = 'newline_delimited', columns = ${columns})) ` +
        `TO ${escaped(parquetPath)} (FORMAT parquet, COMPRESSION zstd)`,
    );
  } finally {
    connection.closeSync();
  }
}

/** Every file below `root`, relative, sorted: the order manifests and croissant list them in. */
export async function listFiles(root: string): Promise<string[]> {
  const names = await readdir(root, { recursive: true, withFileTypes: true });
  return names
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(root.length + 1))
    .sort();
}
