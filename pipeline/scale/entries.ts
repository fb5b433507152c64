import type { CachedLlmClient } from '../llm/client.ts';
import type { StageEntry } from '../stages/registry.ts';
import { BudgetedLlmClient } from './budget.ts';

/**
 * With --max-cost-usd, the draft entry's LLM client is put under a spend cap; other entries
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
            const draft = await entry.load();
            return {
              async run(ctx, options) {
                let budget: BudgetedLlmClient | undefined;
                const wrapLlm = (client: CachedLlmClient) => {
                  budget = new BudgetedLlmClient(client, maxCostUsd, ctx.config.llm);
                  return budget;
                };
                const summary = await draft.run(ctx, { ...options, wrapLlm });
                if (!budget) return summary;
                const left = summary.errors.budget_exhausted ?? 0;
                ctx.logger.info(
                  `draft: spent about $${budget.spent.toFixed(4)} of --max-cost-usd ${maxCostUsd}` +
                    (left > 0 ? `; ${left} dataset(s) left for a later run (budget_exhausted)` : ''),
                );
                return summary;
              },
            };
          },
        },
  );
}
