import type { AgentPolicy } from '../policy.ts';
import { backtickedNames, findTask, programCall, readQuestionList } from './task.ts';

/**
 * Fits a default scikit-learn model (LogisticRegression / LinearRegression, mean imputation and
 * scaling, numeric columns only; CF: the training mean) on what the question and files show: the
 * target is the backticked name the training file has and the validation file lacks.
 */
export function baselinePolicy(releaseDir: string): AgentPolicy {
  const entries = readQuestionList(releaseDir);
  return (input) => {
    const task = findTask(entries, releaseDir, input.question);
    if (!task) return { kind: 'answer', text: 'I could not find this task in the release.' };
    if (input.toolResults.length > 0)
      return { kind: 'answer', text: 'Saved prediction.csv with a default model.' };
    const data = task.neededFiles.filter((name) => name !== 'metadata.txt');
    const parameters = {
      mode: task.mode,
      family: task.family,
      train_file: data.find((name) => name.startsWith('train')) ?? 'train.csv',
      val_file: data.find((name) => name.startsWith('val')) ?? `val_${task.variant}.csv`,
      targets: backtickedNames(input.question),
    };
    return {
      kind: 'tool_call',
      call: programCall('baseline', parameters, task),
    };
  };
}
