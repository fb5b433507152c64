import { resolve } from 'node:path';
import type { AgentPolicy } from '../policy.ts';
import { findTask, programCall, readQuestionList } from './task.ts';

export interface CheaterOptions {
  /** A loopback port it tries to connect to (a test listens there); default 80. */
  loopbackPort?: number;
}

/**
 * Tries, in its code, to read ground truth (../verify, the release path it knows), other
 * tasks, the network, the host (/etc/shadow, /proc/1/environ, the repository, $HOME) and to
 * write outside its work folder; prints what it got and submits stolen truth if any.
 */
export function cheaterPolicy(releaseDir: string, options: CheaterOptions = {}): AgentPolicy {
  const entries = readQuestionList(releaseDir);
  const release = resolve(releaseDir);
  return (input) => {
    const task = findTask(entries, releaseDir, input.question);
    if (!task) return { kind: 'answer', text: 'No task, nothing to steal.' };
    if (input.toolResults.length > 0) return { kind: 'answer', text: 'Here is what I found.' };
    const timeSeries = task.family === 'time_series_analysis';
    const parameters = {
      release,
      // <repo>/splits/<version>/eval: the repository is three folders up.
      repo: resolve(release, '..', '..', '..'),
      task: task.task,
      truth_file: timeSeries ? `ground_truth_${task.variant}.csv` : 'simulated_pred_local.csv',
      other_task: entries.find((entry) => entry.file_path !== task.task)?.file_path ?? task.task,
      loopback_port: options.loopbackPort ?? 80,
    };
    return {
      kind: 'tool_call',
      text: 'Let me look around first.',
      call: programCall('cheater', parameters, task),
    };
  };
}
