import type { DatasetId } from './ids.ts';
import type { Outcome } from './store/outcome.ts';
import type { StageName } from './store/paths.ts';

export interface StageSummary {
  stage: StageName;
  total: number;
  processed: number;
  fresh: number;
  ok: number;
  rejected: Record<string, number>;
  errors: Record<string, number>;
  failures: { id: DatasetId; status: 'rejected' | 'error'; reason: string; detail: string }[];
  wall_ms: number;
  /** Environment messages about the whole stage (not about a dataset), shown in the run summary. */
  notes?: string[];
}

export function emptySummary(stage: StageName, total = 0): StageSummary {
  return { stage, total, processed: 0, fresh: 0, ok: 0, rejected: {}, errors: {}, failures: [], wall_ms: 0 };
}

/** Stages report through events; the CLI decides how they look (listr2 or plain lines). */
export type ProgressEvent =
  | { type: 'stage:start'; stage: StageName; total: number }
  | { type: 'dataset:start'; stage: StageName; id: DatasetId }
  | { type: 'dataset:progress'; stage: StageName; id: DatasetId; message: string }
  | { type: 'dataset:end'; stage: StageName; id: DatasetId; outcome: Outcome; fresh: boolean; ms: number }
  | { type: 'stage:end'; summary: StageSummary };

export type ProgressListener = (event: ProgressEvent) => void;

export class Progress {
  readonly #listeners = new Set<ProgressListener>();

  on(listener: ProgressListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: ProgressEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
