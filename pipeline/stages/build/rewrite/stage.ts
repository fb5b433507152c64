import type { BuildConfig } from '../../../config/sections/build.ts';
import { rewriteTemplate } from '../../../llm/prompts/rewrite.ts';
import type { LlmClient } from '../../../llm/types.ts';
import type { KaggleMetadata } from '../../../sources/shapes.ts';
import type { TaskContents } from '../write-task.ts';
import { columnDescriptions } from './descriptions.ts';
import type { RewriteSubject } from './facts.ts';
import { type RewriteRecord, rewriteQuestions, withQuestions } from './index.ts';

/** Part of the build inputs hash when rewriting is on: another model or prompt means another text. */
export function rewriteInputs(config: BuildConfig, llm: LlmClient | undefined): object | null {
  if (!config.rewrite.enabled || !llm) return null;
  return {
    provider: llm.provider,
    model: llm.model,
    prompt: `${rewriteTemplate.name}@${rewriteTemplate.version}`,
  };
}

export interface TaskRewrite {
  llm: LlmClient | undefined;
  config: BuildConfig;
  metadata: KaggleMetadata;
  mainTable: string;
  dataset: string;
  contents: TaskContents;
  subjects: readonly RewriteSubject[];
}

/**
 * The task contents with its questions rewritten where the rewrite is faithful, and one
 * record per attempted question (none when rewriting is off or there is no LLM client).
 */
export async function rewriteTask(
  task: TaskRewrite,
): Promise<{ contents: TaskContents; rewrite?: RewriteRecord[] }> {
  if (!task.config.rewrite.enabled || !task.llm) return { contents: task.contents };
  const named = [...new Set(task.subjects.flatMap((subject) => subject.columns))];
  const { texts, records } = await rewriteQuestions({
    llm: task.llm,
    subjects: task.subjects,
    variants: task.config.rewrite.variants,
    descriptions: columnDescriptions(task.metadata, task.mainTable, named),
    dataset: task.dataset,
  });
  return { contents: withQuestions(task.contents, texts), rewrite: records };
}
