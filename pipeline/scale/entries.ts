import type { Context } from '../context.ts';
import type { StageEntry, StageRunOptions } from '../stages/registry.ts';
import { BudgetedLlmClient } from './budget.ts';

/**
 * With --max-cost-usd, the draft entry gets an LLM client under a spend cap; other entries
 * (and runs without the flag) are returned as they are.
 */
export function withSpendCap(entries: readonly StageEntry[], maxCostUsd: number | undefined): StageEntry[] {
  if (maxCostUsd === undefined) return [...entries];
  return entries.map((entry) =>
    entry.name !== 'draft'
      ? entry
      : {
          ...entry,
          load: async () => {
            const draft = await import('../stages/draft/index.ts');
            return {
              async run(ctx: Context, options: StageRunOptions) {
                if (ctx.config.draft.provider === 'offline') return draft.run(ctx, options);
                const { createLlmClient } = await import('../llm/index.ts');
                const llm = new BudgetedLlmClient(createLlmClient(ctx), maxCostUsd, ctx.config.llm);
                const summary = await draft.run(ctx, { ...options, llm });
                const left = summary.errors.budget_exhausted ?? 0;
                ctx.logger.info(
                  `draft: spent about $${llm.spent.toFixed(4)} of --max-cost-usd ${maxCostUsd}` +
                    (left > 0 ? `; ${left} dataset(s) left for a later run (budget_exhausted)` : ''),
                );
                return summary;
              },
            };
          },
        },
  );
}
