import type { Context } from '../context.ts';
import type { DatasetId } from '../ids.ts';
import type { CachedLlmClient } from '../llm/client.ts';
import type { LlmClient } from '../llm/types.ts';
import type { StageSummary } from '../progress.ts';
import type { StageName } from '../store/paths.ts';

export interface StageRunOptions {
  only?: DatasetId[];
  force?: boolean;
  /** Wraps the draft stage's LLM client (the spend cap of --max-cost-usd does). */
  wrapLlm?: (client: CachedLlmClient) => LlmClient;
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
    load: async () => {
      const draft = await import('./draft/index.ts');
      return {
        async run(ctx, options) {
          if (ctx.config.draft.provider === 'offline') return draft.run(ctx, options);
          const { createLlmClient } = await import('../llm/index.ts');
          const client = createLlmClient(ctx);
          return draft.run(ctx, { ...options, llm: options.wrapLlm?.(client) ?? client });
        },
      };
    },
  },
  {
    name: 'build',
    summary: 'materialise task folders in the DARE-bench layout under processed/<id>/tasks/',
    load: async () => {
      const build = await import('./build/index.ts');
      return {
        async run(ctx, options) {
          const rewrite = ctx.config.build.rewrite.enabled && ctx.config.draft.provider !== 'offline';
          if (!rewrite) return build.run(ctx, options);
          const { createLlmClient } = await import('../llm/index.ts');
          return build.run(ctx, { ...options, llm: createLlmClient(ctx) });
        },
      };
    },
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
