import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Context } from '../context.ts';
import type { DatasetId } from '../ids.ts';

export interface ScaleOptions {
  dryRun?: boolean;
  maxCostUsd?: number;
}

function usd(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || value.trim() === '')
    throw new InvalidArgumentError('expected an amount in US dollars >= 0, e.g. 25 or 2.50');
  return n;
}

/** `--max-cost-usd` (run, draft) and `--dry-run` (run). */
export function addScaleOptions(command: Command, flags: { dryRun: boolean }): Command {
  command.addOption(
    new Option(
      '--max-cost-usd <usd>',
      'stop calling the LLM once this run has spent about this much (estimated from llm.prices); the rest end error(budget_exhausted) and a rerun resumes',
    ).argParser(usd),
  );
  if (flags.dryRun) {
    command.option(
      '--dry-run',
      'print how many datasets would be processed, estimated LLM tokens and cost, and verification time; spend nothing',
    );
  }
  return command;
}

/** Prints the dry-run plan; exit code 0. */
export async function printDryRun(
  ctx: Context,
  options: { only?: readonly DatasetId[]; force?: boolean; maxCostUsd?: number },
): Promise<number> {
  // Imported on use: the plan loads every stage's freshness rules.
  const { planRun } = await import('./dry-run.ts');
  const { formatPlan } = await import('./format.ts');
  const plan = await planRun(ctx, options);
  process.stdout.write(formatPlan(plan, ctx.shard));
  const cap = options.maxCostUsd;
  if (cap !== undefined && plan.llm.costUsd > cap && plan.toDraft > 0) {
    const share = Math.floor((plan.toDraft * cap) / plan.llm.costUsd);
    process.stdout.write(
      `--max-cost-usd ${cap}: below the estimate; about ${share} of ${plan.toDraft} dataset(s) would be drafted, the rest left for a later run\n`,
    );
  }
  return 0;
}
