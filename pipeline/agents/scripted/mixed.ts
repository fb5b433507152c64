import type { AgentPolicy } from '../policy.ts';
import { lazyPolicy } from './lazy.ts';
import { referencePolicy } from './reference.ts';

/**
 * Alternates by draw: the n-th conversation it is asked to start for a question is played by
 * the reference agent when n is odd and by the lazy one (no prediction) when n is even, so K
 * samples of a task hold ceil(K/2) solving and floor(K/2) failing traces. The draw count is
 * kept per question, so the mix is deterministic when the runs of a task arrive in order
 * (--concurrency 1); follow-up turns go to the agent that opened the conversation.
 */
export function mixedPolicy(releaseDir: string): AgentPolicy {
  const reference = referencePolicy(releaseDir);
  const lazy = lazyPolicy(releaseDir);
  const draws = new Map<string, number>();
  return (input) => {
    if (input.toolResults.length === 0) draws.set(input.question, (draws.get(input.question) ?? 0) + 1);
    const draw = draws.get(input.question) ?? 1;
    return draw % 2 === 1 ? reference(input) : lazy(input);
  };
}
