import type { Context } from '../context.ts';
import type { DatasetId } from '../ids.ts';
import type { StageSummary } from '../progress.ts';
import type { StageName } from '../store/paths.ts';

export interface StageRunOptions {
  only?: readonly DatasetId[];
  force?: boolean;
}

export interface StageModule {
  run(ctx: Context, options: StageRunOptions): Promise<StageSummary>;
}

export interface StageEntry {
  name: StageName;
  summary: string;
  load(): Promise<StageModule>;
}

/** The stages `run` executes, in order; each module is imported only when it runs. */
export const stages: readonly StageEntry[] = [
  {
    name: 'scrape',
    summary: 'copy datasets from the source into raw/<id>/ (listing, metadata, files)',
    load: () => import('./scrape/index.ts'),
  },
];
