import { UserError } from '../../errors.ts';
import type { AgentPolicy } from '../policy.ts';
import { baselinePolicy } from './baseline.ts';
import { type CheaterOptions, cheaterPolicy } from './cheater.ts';
import { lazyPolicy } from './lazy.ts';
import { mixedPolicy } from './mixed.ts';
import { referencePolicy } from './reference.ts';

export const scriptedPolicyNames = ['reference', 'baseline', 'lazy', 'cheater', 'mixed'] as const;
export type ScriptedPolicyName = (typeof scriptedPolicyNames)[number];

export interface ScriptedPolicyOptions extends CheaterOptions {}

function isPolicyName(name: string): name is ScriptedPolicyName {
  return (scriptedPolicyNames as readonly string[]).includes(name);
}

/**
 * A scripted agent (a test double for an LLM) for the tasks of one release folder
 * (`splits/<v>/eval`): it finds its task by the question it is asked.
 */
export function scriptedPolicy(
  name: string,
  releaseDir: string,
  options: ScriptedPolicyOptions = {},
): AgentPolicy {
  if (!isPolicyName(name)) {
    throw new UserError(
      `--model scripted:${name}: no such scripted agent; known: ${scriptedPolicyNames.join(', ')}.`,
    );
  }
  switch (name) {
    case 'reference':
      return referencePolicy(releaseDir);
    case 'baseline':
      return baselinePolicy(releaseDir);
    case 'lazy':
      return lazyPolicy(releaseDir);
    case 'cheater':
      return cheaterPolicy(releaseDir, options);
    case 'mixed':
      return mixedPolicy(releaseDir);
  }
}
