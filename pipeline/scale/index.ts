/**
 * Corpus scale: `run --dry-run` (plan and estimates, nothing spent) and `--max-cost-usd`
 * (a spend cap on drafting, resumable). The scale rig itself lives in bench/scale/rig/.
 */
export { BudgetExhausted, BudgetedLlmClient } from './budget.ts';
export { type DryRunPlan, planRun } from './dry-run.ts';
export { withSpendCap } from './entries.ts';
export { formatPlan } from './format.ts';
export { addScaleOptions, printDryRun, type ScaleOptions } from './options.ts';
