import { UserError } from '../../errors.ts';
import type { AgentPolicy } from '../policy.ts';

/**
 * Placeholder registry of scripted agents (the full set, reference / baseline / lazy /
 * cheater, replaces this file). `lazy` answers at once without running any code.
 */
const policies: Record<string, (releaseDir: string) => AgentPolicy> = {
  lazy: () => () => ({ kind: 'answer', text: 'I did not run anything.' }),
};

export function scriptedPolicy(name: string, releaseDir: string): AgentPolicy {
  const make = policies[name];
  if (!make) {
    throw new UserError(
      `--model scripted:${name}: no such scripted agent; known: ${Object.keys(policies).join(', ')}.`,
    );
  }
  return make(releaseDir);
}
