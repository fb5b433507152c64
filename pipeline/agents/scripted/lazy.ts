import type { AgentPolicy } from '../policy.ts';
import { findTask, readQuestionList } from './task.ts';

/** Looks at the files once, then answers in prose: it never saves a prediction. */
export function lazyPolicy(releaseDir: string): AgentPolicy {
  const entries = readQuestionList(releaseDir);
  return (input) => {
    const task = findTask(entries, releaseDir, input.question);
    if (input.toolResults.length > 0 || !task) {
      return {
        kind: 'answer',
        text: 'The data looks fine; I would train a model on it, but I will stop here.',
      };
    }
    const data = task.neededFiles.filter((name) => name !== 'metadata.txt');
    return {
      kind: 'tool_call',
      text: 'Let me look at the files first.',
      call: {
        code: `import os\nfor name in sorted(os.listdir('.')):\n    print(name, os.path.getsize(name))\n`,
        files_to_load: data,
        files_to_save: [],
      },
    };
  };
}
