import { readFileSync } from 'node:fs';
import { REFERENCE_SCRIPT } from '../../sandbox/isolation.ts';
import type { AgentPolicy } from '../policy.ts';
import { findTask, programCall, readQuestionList, readQuestionMetadata } from './task.ts';

/**
 * Applies the task's published instructions. IF: the verifier's own reference-solution
 * program on the range-filtered training file (so it reproduces the reference output); MM: a
 * random forest over every shared column; XF: a random forest over the exogenous features;
 * CF: a damped linear trend per series. It reads the task's verify/all_metadata.json in the
 * release (which an LLM could not), and its code reads only the work folder's files.
 */
export function referencePolicy(releaseDir: string): AgentPolicy {
  const entries = readQuestionList(releaseDir);
  return (input) => {
    const task = findTask(entries, releaseDir, input.question);
    if (!task) return { kind: 'answer', text: 'I could not find this task in the release.' };
    if (input.toolResults.length > 0) {
      return {
        kind: 'answer',
        text: `Done: prediction.csv holds my ${task.mode.toUpperCase()} predictions.`,
      };
    }
    const parameters = {
      mode: task.mode,
      question: readQuestionMetadata(task),
      reference_source: task.mode === 'if' ? readFileSync(REFERENCE_SCRIPT, 'utf8') : '',
    };
    return {
      kind: 'tool_call',
      text: 'I will follow the instructions step by step and save prediction.csv.',
      call: programCall('reference', parameters, task),
    };
  };
}
