import type { DuckDBInstance } from '@duckdb/node-api';
import { errorMessage } from '../errors.ts';
import type { ReleaseRejection, ReleaseTask } from './collect.ts';
import { sharedTrainValRows, tableFingerprint } from './fingerprint.ts';
import type { TableFingerprint } from './groups.ts';
import { SqliteNotTableError } from './rows.ts';

export interface ReadableTasks {
  tasks: ReleaseTask[];
  rejected: ReleaseRejection[];
  /** Validation rows equal to a training row, per tabular task (only where > 0). */
  sharedRows: Record<string, number>;
  /** Time-series fingerprints already computed while checking the table reads. */
  fingerprints: Map<string, TableFingerprint>;
}

/**
 * Reads the tables release needs, task by task: a table that cannot be read (a corrupt
 * parquet or SQLite file, a ragged CSV) rejects its task as `unreadable_table` instead of
 * stopping the whole release; a SQLite view in place of a table is `sqlite_not_table`.
 */
export async function readableTasks(
  candidates: readonly ReleaseTask[],
  duckdb: () => Promise<DuckDBInstance>,
  sketchSize: number,
): Promise<ReadableTasks> {
  const out: ReadableTasks = { tasks: [], rejected: [], sharedRows: {}, fingerprints: new Map() };
  for (const task of candidates) {
    try {
      if (task.family === 'ts')
        out.fingerprints.set(task.task, await tableFingerprint(task, duckdb, sketchSize));
      else {
        const shared = await sharedTrainValRows(task, duckdb);
        if (shared > 0) out.sharedRows[task.task] = shared;
      }
      out.tasks.push(task);
    } catch (error) {
      const reason = error instanceof SqliteNotTableError ? error.reason : 'unreadable_table';
      out.rejected.push({ task: task.task, reason, detail: errorMessage(error) });
    }
  }
  return out;
}
