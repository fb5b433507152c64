import type { Shard } from '../shard.ts';
import type { DryRunPlan } from './dry-run.ts';

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const count = (n: number) => n.toLocaleString('en-US');

/** The dry-run report: plain lines, stable wording (tests and scripts read it). */
export function formatPlan(plan: DryRunPlan, shard: Shard | undefined): string {
  const { llm, verify } = plan;
  const scope = shard && shard.count > 1 ? ` (shard ${shard.index}/${shard.count})` : '';
  const basis =
    llm.assumed > 0
      ? `prompts rendered for ${count(llm.measured)} profiled dataset(s), sizes assumed for ${count(llm.assumed)} not yet profiled`
      : `prompts rendered for ${count(llm.measured)} profiled dataset(s)`;
  const llmLine =
    llm.provider === 'offline'
      ? 'LLM: offline drafter, 0 tokens, $0.00'
      : `LLM (${llm.provider} ${llm.model}): ${count(llm.calls)} call(s) (${count(llm.cachedCalls)} cached), ` +
        `~${count(llm.inputTokens)} input + ~${count(llm.outputTokens)} output tokens, ~$${llm.costUsd.toFixed(2)}`;
  return [
    'dry run: nothing is downloaded, drafted or verified',
    `datasets: ${count(plan.listed)} listed by the ${plan.source} source after its selection policy; ` +
      `${count(plan.selected)} in this run${scope}`,
    `to process: ${count(plan.toProcess)} (fresh, skipped: ${count(plan.fresh)}); to draft: ${count(plan.toDraft)}`,
    llmLine,
    ...(llm.provider === 'offline' || plan.toDraft === 0 ? [] : [`  (${basis})`]),
    `verification: ~${count(verify.tasks)} task(s) of ${count(verify.datasets)} dataset(s) on ${verify.workers} ` +
      `worker(s): ~${duration(verify.seconds)} (${verify.basis})`,
    '',
  ].join('\n');
}
