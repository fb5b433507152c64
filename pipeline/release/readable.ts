import type { DuckDBInstance } from '@duckdb/node-api';
import { errorMessage } from '../errors.ts';
import type { ReleaseRejection, ReleaseTask } from './collect.ts';
import { sharedTrainValRows, tableFingerprint } from './fingerprint.ts';
import type { TableFingerprint } from './groups.ts';

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
 * stopping the whole release.
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
      out.rejected.push({ task: task.task, reason: 'unreadable_table', detail: errorMessage(error) });
    }
  }
  return out;
}
