import { errorMessage } from '../../../errors.ts';
import { LlmCallError, LlmInvalidResponse } from '../../../llm/errors.ts';
import { rewriteTemplate } from '../../../llm/prompts/rewrite.ts';
import { toRequest } from '../../../llm/prompts/template.ts';
import type { LlmClient } from '../../../llm/types.ts';
import type { OrderedJson } from '../json.ts';
import type { TaskContents } from '../write-task.ts';
import type { RewriteSubject, Variant } from './facts.ts';
import { lostFacts } from './fidelity.ts';

export { columnDescriptions } from './descriptions.ts';
export { type RewriteSubject, tabularSubjects, timeSeriesSubjects, type Variant } from './facts.ts';

/** What became of one question's rewrite; written per task into processed/<id>/build.json. */
export type RewriteRecord =
  | { variant: Variant; status: 'accepted'; request_hash: string }
  | { variant: Variant; status: 'rejected'; reason: 'rewrite_rejected'; lost: string[]; request_hash: string }
  | { variant: Variant; status: 'failed'; reason: 'rewrite_failed'; detail: string };

export interface RewriteRequest {
  llm: LlmClient;
  subjects: readonly RewriteSubject[];
  /** Which questions to rewrite (the others keep their template text, with no record). */
  variants: readonly Variant[];
  descriptions: ReadonlyMap<string, string>;
  dataset: string;
}

/**
 * Asks the model to rewrite each question into fluent prose and keeps a rewrite only if the
 * fidelity check finds nothing lost; otherwise the template text stays. Answers come through
 * the LLM cache, so a rebuild replays them and writes the same bytes.
 */
export async function rewriteQuestions(
  request: RewriteRequest,
): Promise<{ texts: Map<Variant, string>; records: RewriteRecord[] }> {
  const texts = new Map<Variant, string>();
  const records: RewriteRecord[] = [];
  for (const subject of request.subjects) {
    if (!request.variants.includes(subject.variant)) continue;
    const columnDescriptions = subject.columns.flatMap((name) => {
      const description = request.descriptions.get(name);
      return description === undefined ? [] : [{ name, description }];
    });
    const call = toRequest(
      rewriteTemplate,
      { question: subject.text, columnDescriptions },
      { stage: 'build', dataset: request.dataset },
    );
    let answer: string;
    let hash: string;
    try {
      const result = await request.llm.complete(call);
      answer = result.value.question.trim();
      hash = result.request_hash;
    } catch (error) {
      if (!isDeterministicFailure(error)) throw asStageError(error);
      // A bad answer (replayed the same from the cache) costs the task its prose, not the task.
      records.push({
        variant: subject.variant,
        status: 'failed',
        reason: 'rewrite_failed',
        detail: errorMessage(error),
      });
      continue;
    }
    const lost = lostFacts(answer, subject.facts, request.descriptions);
    if (lost.length > 0) {
      records.push({
        variant: subject.variant,
        status: 'rejected',
        reason: 'rewrite_rejected',
        lost,
        request_hash: hash,
      });
      continue;
    }
    texts.set(subject.variant, answer);
    records.push({ variant: subject.variant, status: 'accepted', request_hash: hash });
  }
  return { texts, records };
}

/** Failures a rerun would repeat: an answer that does not fit the schema, a refused request. */
function isDeterministicFailure(error: unknown): boolean {
  return (
    error instanceof LlmInvalidResponse || (error instanceof LlmCallError && error.kind === 'bad_request')
  );
}

/** A transient call failure fails the dataset (retried next run) instead of freezing template text. */
export class RewriteCallError extends Error {
  readonly reason = 'llm_call_failed';
}

function asStageError(error: unknown): unknown {
  return error instanceof LlmCallError ? new RewriteCallError(`question rewrite: ${error.message}`) : error;
}

/** The task contents with accepted rewrites in the question_list entry (key order kept). */
export function withQuestions(contents: TaskContents, texts: ReadonlyMap<Variant, string>): TaskContents {
  const entry = contents.questionEntry;
  if (texts.size === 0 || !isPlainObject(entry)) return contents;
  const replaced: Record<string, OrderedJson> = {};
  for (const [key, value] of Object.entries(entry)) {
    const variant = key === 'question_v1' ? 'v1' : key === 'question_v2' ? 'v2' : undefined;
    replaced[key] = (variant && texts.get(variant)) ?? value;
  }
  return { ...contents, questionEntry: replaced };
}

function isPlainObject(value: OrderedJson): value is { readonly [key: string]: OrderedJson } {
  return typeof value === 'object' && value !== null && !(value instanceof Map) && !Array.isArray(value);
}
