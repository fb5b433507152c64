import type { Context } from '../context.ts';
import type { DatasetId } from '../ids.ts';
import type { StageSummary } from '../progress.ts';
import type { StageName } from '../store/paths.ts';

/**
 * What every stage's `run` takes: `--only` and `--force`, and the stage's own settings (scrape's
 * source, release's version) in `extra`. The LLM client and the executor come from the context.
 */
export interface StageRunOptions<Extra extends object = Record<never, never>> {
  /** Only these datasets, among those the stage would process. */
  only?: readonly DatasetId[];
  /** Redo fresh datasets too. */
  force?: boolean;
  extra?: Extra;
}

export interface StageModule {
  run(ctx: Context, options: StageRunOptions): Promise<StageSummary>;
}

export interface StageEntry {
  name: StageName;
  summary: string;
  /** Registered by its own command module (extra flags); `run` still includes it. */
  ownCommand?: boolean;
  load(): Promise<StageModule>;
}

/** The stages `run` executes, in order; each module is imported only when it runs. */
export const stages: readonly StageEntry[] = [
  {
    name: 'scrape',
    summary: 'copy datasets from the source into raw/<id>/ (listing, metadata, files)',
    load: () => import('./scrape/index.ts'),
  },
  {
    name: 'profile',
    summary: 'profile every table with DuckDB into processed/<id>/profile.json',
    load: () => import('./profile/index.ts'),
  },
  {
    name: 'draft',
    summary: 'design tasks (LLM or offline heuristics) into processed/<id>/draft.json',
    load: () => import('./draft/index.ts'),
  },
  {
    name: 'build',
    summary: 'materialise task folders in the DARE-bench layout under processed/<id>/tasks/',
    load: () => import('./build/index.ts'),
  },
  {
    name: 'verify',
    summary: 'run reference solutions in the sandbox and quality checks into processed/<id>/verdict.json',
    ownCommand: true,
    load: () => import('./verify/index.ts'),
  },
  {
    name: 'release',
    summary: 'write splits/<release.version>/ from tasks whose verification passed',
    ownCommand: true,
    load: () => import('./release/index.ts'),
  },
];

export function stageEntry(name: StageName): StageEntry {
  const entry = stages.find((s) => s.name === name);
  if (!entry) throw new Error(`no stage named ${name}`);
  return entry;
}
