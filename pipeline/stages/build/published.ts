import { z } from 'zod';
import type { Draft } from '../draft/schema.ts';

/**
 * A draft from the published tasks of one dataset (their all_metadata.json files): lets the
 * build stage be exercised on the real DARE-bench fixtures before, or without, the draft
 * stage. Families absent from the published set are declined.
 */
const publishedQuestionSchema = z.looseObject({
  problem_type: z.enum(['classification', 'regression', 'time_series_analysis']),
  target: z.array(z.string()).min(1),
  target_candidates: z.array(z.string()).optional(),
  related_features: z.array(z.string()),
  column_type_inference: z.record(z.string(), z.string()),
  time_column: z.string().optional(),
  time_format: z.string().optional(),
});
const publishedMetadataSchema = z.looseObject({ question: publishedQuestionSchema });

export interface PublishedTask {
  /** The task's verify/all_metadata.json, parsed. */
  allMetadata: unknown;
  /** Time series only: the identifier columns (the non-time columns of the published val_v2.csv). */
  entityColumns?: string[];
  /** Time series only: the resampling the published question_v2 asks for. */
  resample?: { rule: string; aggregation: 'mean' | 'sum' | 'last' | 'first' | 'max' | 'min' } | null;
}

export function draftFromPublishedMetadata(
  dataset: string,
  mainTable: string,
  tasks: readonly PublishedTask[],
): Draft {
  const declined = {
    status: 'declined' as const,
    reason: 'not_published',
    detail: 'no published task of this family',
  };
  const draft: Draft = {
    dataset,
    drafted_by: 'offline',
    provider: 'published',
    model: 'dare-bench-release',
    prompt_versions: {},
    requests: [],
    domain: 'other',
    main_table: mainTable,
    families: { classification: declined, regression: declined, time_series: declined },
  };
  for (const task of tasks) {
    const q = publishedMetadataSchema.parse(task.allMetadata).question;
    if (q.problem_type === 'time_series_analysis') {
      if (!q.time_column || !q.time_format)
        throw new Error(`${dataset}: time series metadata lacks time_column/time_format`);
      draft.families.time_series = {
        status: 'ok',
        decision: {
          time_column: q.time_column,
          time_format: q.time_format,
          target: q.target,
          related_features: q.related_features,
          entity_columns: task.entityColumns ?? [],
          column_type_inference: Object.fromEntries(
            Object.entries(q.column_type_inference).map(([k, v]) => [
              k,
              v === 'numeric' ? 'numeric' : 'object',
            ]),
          ),
          resample: task.resample ?? null,
        },
      };
      continue;
    }
    draft.families[q.problem_type] = {
      status: 'ok',
      decision: {
        problem_type: q.problem_type,
        target: q.target,
        target_candidates: (q.target_candidates ?? q.target).slice(0, 3),
        related_features: q.related_features,
        column_type_inference: Object.fromEntries(
          Object.entries(q.column_type_inference).map(([k, v]) => [
            k,
            v === 'numerical' ? 'numerical' : 'categorical',
          ]),
        ),
      },
    };
  }
  return draft;
}

/** The resampling a published time-series question_v2 asks for, or null. */
export function resampleFromQuestion(questionV2: string): PublishedTask['resample'] {
  const match =
    /uniform time interval of '([^']+)', and aggregate the target column using the method '([^']+)'/.exec(
      questionV2,
    );
  if (!match) return null;
  const aggregation = z.enum(['mean', 'sum', 'last', 'first', 'max', 'min']).safeParse(match[2]);
  return { rule: match[1] as string, aggregation: aggregation.success ? aggregation.data : 'mean' };
}
