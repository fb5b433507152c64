import type { BuildConfig } from '../../config/sections/build.ts';
import type { TabularDecision, TimeSeriesDecision } from '../draft/schema.ts';
import {
  type Envelope,
  questionEntry,
  tabularAllMetadata,
  tabularNeeded,
  timeSeriesAllMetadata,
  timeSeriesNeeded,
} from './metadata.ts';
import {
  tabularQuestionV1,
  tabularQuestionV2,
  timeSeriesQuestionV1,
  timeSeriesQuestionV2,
} from './questions.ts';
import { type RewriteSubject, tabularSubjects, timeSeriesSubjects } from './rewrite/index.ts';
import type { Table } from './table.ts';
import { buildTabular } from './tabular.ts';
import { buildTimeSeries } from './timeseries.ts';
import type { TaskContents } from './write-task.ts';

export interface ComposeInput {
  task: string;
  datasetId: string;
  corpusSeed: number;
  config: BuildConfig;
  table: Table;
  envelope: Envelope;
  metadataText: string;
}

/** The whole content of a classification/regression task folder, from pure inputs. */
export function composeTabular(
  input: ComposeInput,
  decision: TabularDecision,
): { contents: TaskContents; counts: object; subjects: RewriteSubject[] } {
  const build = buildTabular(input.table, decision, input.config, input.corpusSeed, input.datasetId);
  const { plan, files } = build;
  const f = plan.format;
  const questionV1 = tabularQuestionV1(plan);
  const questionV2 = tabularQuestionV2(plan);
  return {
    counts: build.counts,
    subjects: tabularSubjects(plan, questionV1, questionV2),
    contents: {
      source: [
        { stem: 'train_v1', format: f, tables: files.train_v1 },
        { stem: 'train_v1_no_err', format: f, tables: [files.train_v1_no_err] },
        { stem: 'val_v1', format: f, tables: [files.val_v1] },
        { stem: 'train_v2', format: f, tables: [files.train_v2] },
        { stem: 'val_v2', format: f, tables: [files.val_v2] },
      ],
      metadataText: input.metadataText,
      verify: [{ stem: 'ground_truth', table: files.ground_truth }],
      allMetadata: tabularAllMetadata(input.task, plan, input.envelope),
      questionEntry: questionEntry({
        task: input.task,
        kind: plan.problemType,
        questionV1,
        questionV2,
        listing: input.envelope.listing,
        neededV1: tabularNeeded(f, 'v1'),
        neededV2: tabularNeeded(f, 'v2'),
      }),
    },
  };
}

/** The whole content of a time-series task folder (always csv). */
export function composeTimeSeries(
  input: ComposeInput,
  decision: TimeSeriesDecision,
): { contents: TaskContents; counts: object; subjects: RewriteSubject[] } {
  const build = buildTimeSeries(input.table, decision, input.config, input.corpusSeed, input.datasetId);
  const { plan, files } = build;
  const csv = 'csv' as const;
  const questionV1 = timeSeriesQuestionV1(plan);
  const questionV2 = timeSeriesQuestionV2(plan);
  return {
    counts: build.counts,
    subjects: timeSeriesSubjects(plan, questionV1, questionV2),
    contents: {
      source: [
        { stem: 'train', format: csv, tables: [files.train] },
        { stem: 'val_v1', format: csv, tables: [files.val_v1] },
        { stem: 'val_v2', format: csv, tables: [files.val_v2] },
      ],
      metadataText: input.metadataText,
      verify: [
        { stem: 'ground_truth_v1', table: files.ground_truth_v1 },
        { stem: 'ground_truth_v2', table: files.ground_truth_v2 },
      ],
      allMetadata: timeSeriesAllMetadata(input.task, plan, input.envelope),
      questionEntry: questionEntry({
        task: input.task,
        kind: 'time_series_analysis',
        questionV1,
        questionV2,
        listing: input.envelope.listing,
        neededV1: timeSeriesNeeded('v1'),
        neededV2: timeSeriesNeeded('v2'),
        containMultipleFiles: plan.entityColumns.length > 0,
      }),
    },
  };
}
