import { isAbsolute, join, resolve } from 'node:path';
import type { Config } from '../config/schema.ts';
import type { DatasetId, TaskId } from '../ids.ts';

export type StageName = 'scrape' | 'profile' | 'draft' | 'build' | 'verify' | 'release';
export const stageOrder: readonly StageName[] = ['scrape', 'profile', 'draft', 'build', 'verify', 'release'];

/** Where every artifact lives. The one place that knows the on-disk layout. */
export class Paths {
  readonly raw: string;
  readonly processed: string;
  readonly splits: string;

  constructor(config: Config, cwd: string = process.cwd()) {
    const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
    this.raw = abs(config.paths.raw);
    this.processed = abs(config.paths.processed);
    this.splits = abs(config.paths.splits);
  }

  rawDir(id: DatasetId): string {
    return join(this.raw, id);
  }

  rawFilesDir(id: DatasetId): string {
    return join(this.raw, id, 'files');
  }

  processedDir(id: DatasetId): string {
    return join(this.processed, id);
  }

  /** The outcome record of one stage for one dataset: written last, so it marks completion. */
  statusFile(stage: StageName, id: DatasetId): string {
    return join(this.processed, id, 'status', `${stage}.json`);
  }

  artifact(id: DatasetId, name: string): string {
    return join(this.processed, id, name);
  }

  taskDir(id: DatasetId, task: TaskId): string {
    return join(this.processed, id, 'tasks', task);
  }

  runsDir(): string {
    return join(this.processed, '_runs');
  }
}
