import type { StageEntry } from '../stages/registry.ts';
import { BudgetedLlmClient } from './budget.ts';

/**
 * With --max-cost-usd, the draft entry's LLM client (the context's) is put under a spend cap; other entries
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
                let capped: Promise<BudgetedLlmClient> | undefined;
                const llm = () => {
                  capped ??= ctx
                    .llm()
                    .then((client) => new BudgetedLlmClient(client, maxCostUsd, ctx.config.llm));
                  return capped;
                };
                const summary = await draft.run({ ...ctx, llm }, options);
                if (!capped) return summary;
                const budget = await capped;
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
