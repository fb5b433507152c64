import type { KaggleListItem, KaggleMetadata } from '../../sources/shapes.ts';
import type { OrderedJson } from './json.ts';
import { rangeJson } from './ranges.ts';
import type { TabularPlan } from './tabular.ts';
import type { TimeSeriesPlan } from './timeseries.ts';

/**
 * metadata.txt: the Kaggle description; when the crawl did not already append them, the
 * main file's "About this file" text and its "Columns & descriptions" follow, as published.
 */
export function metadataText(metadata: KaggleMetadata, mainTable: string): string {
  const description = metadata.info.description ?? '';
  if (description.includes('=== Columns & descriptions ===')) return description;
  const file = (metadata.info.data ?? []).find(
    (f) => f.name === mainTable || mainTable.endsWith(`/${f.name}`),
  );
  if (!file) return description;
  const columns = (file.columns ?? []).map(
    (c) => `${c.name}: ${c.description?.trim() || '[no description]'}`,
  );
  const about = file.description?.trim() ? `\n\n=== About this file ===\n\n${file.description.trim()}\n` : '';
  const cols = columns.length ? `\n\n=== Columns & descriptions ===\n\n${columns.join('\n')}\n` : '';
  return `${description}${about}${cols}`;
}

const toJson = (value: unknown): OrderedJson => JSON.parse(JSON.stringify(value ?? null));

export interface Envelope {
  listing: KaggleListItem;
  metadata: KaggleMetadata;
}

export function tabularAllMetadata(task: string, plan: TabularPlan, env: Envelope): OrderedJson {
  const f = plan.format;
  const at = (where: string, file: string) => `./${task}/${where}${file}`;
  const question = {
    target: plan.targets,
    target_candidates: plan.targetCandidates,
    related_features: plan.relatedFeatures,
    not_filtered_related_features: [...plan.ranges.keys()],
    problem_type: plan.problemType,
    expected_ranges: new Map([...plan.ranges].map(([name, range]) => [name, rangeJson(range)])),
    selected_features: plan.selected,
    train_v2_save_file: at('source/', `train_v2.${f}`),
    val_v2_save_file: at('source/', `val_v2.${f}`),
    val_no_err_save_file: at('source/', `val_v1.${f}`),
    train_no_err_save_file: at('source/', `train_v1_no_err.${f}`),
    train_err_split_save_file: at('source/', `train_v1.${f}`),
    train_test_ratio: plan.trainTestRatio,
    save_file_type: f,
    imputer_type: plan.imputer,
    random_state: plan.randomState,
    model_type: plan.model,
    output_file: at('', 'prediction.csv'),
    ground_truth_file: at('verify/', 'ground_truth.csv'),
    simulated_pred_file: at('verify/', 'simulated_pred.csv'),
    column_type_inference: new Map(plan.columnTypes),
    needed_files_v1: tabularNeeded(f, 'v1'),
    needed_files_v2: tabularNeeded(f, 'v2'),
    numerical_features: plan.numerical,
    categorical_features: plan.categorical,
  };
  return { question, data_info: toJson(env.listing), meta_data: toJson(env.metadata.info) };
}

export function tabularNeeded(format: string, variant: 'v1' | 'v2'): string[] {
  return [`train_${variant}.${format}`, `val_${variant}.${format}`, 'metadata.txt'];
}

export const timeSeriesNeeded = (variant: 'v1' | 'v2') => ['train.csv', `val_${variant}.csv`, 'metadata.txt'];

export function timeSeriesAllMetadata(task: string, plan: TimeSeriesPlan, env: Envelope): OrderedJson {
  const at = (where: string, file: string) => `./${task}/${where}${file}`;
  const question = {
    target: plan.targets,
    problem_type: 'time_series_analysis',
    time_column: plan.timeColumn,
    time_format: plan.timeFormat,
    is_resampled: plan.resample !== null,
    related_features: plan.relatedFeatures,
    not_filtered_related_features: [...plan.ranges.keys()],
    selected_features: plan.selected,
    expected_ranges: new Map([...plan.ranges].map(([name, range]) => [name, rangeJson(range)])),
    column_type_inference: new Map(plan.columnTypes),
    train_save_file: at('source/', 'train.csv'),
    val_v1_save_file: at('source/', 'val_v1.csv'),
    val_v2_save_file: at('source/', 'val_v2.csv'),
    val_no_err_save_file: at('source/', 'val_v1.csv'),
    train_no_err_save_file: at('source/', 'train_v1_no_err.csv'),
    train_err_split_save_file: at('source/', 'train_v1.csv'),
    train_test_ratio: plan.trainTestRatio,
    save_file_type: 'csv',
    imputer_type: 'bfill_ffill',
    random_state: plan.randomState,
    model_type: 'Prophet',
    output_file: at('', 'prediction.json'),
    ground_truth_v1_file: at('verify/', 'ground_truth_v1.csv'),
    ground_truth_v2_file: at('verify/', 'ground_truth_v2.csv'),
    simulated_pred_file: at('verify/', 'simulated_pred.json'),
    needed_files_v1: timeSeriesNeeded('v1'),
    needed_files_v2: timeSeriesNeeded('v2'),
    prediction_starting_time: plan.predictionStartingTime,
    contain_multiple_files: plan.entityColumns.length > 0,
  };
  return { question, data_info: toJson(env.listing), meta_data: toJson(env.metadata.info) };
}

/** The question_list.json entry, keys in the published order. */
export function questionEntry(options: {
  task: string;
  kind: 'classification' | 'regression' | 'time_series_analysis';
  questionV1: string;
  questionV2: string;
  listing: KaggleListItem;
  neededV1: string[];
  neededV2: string[];
  containMultipleFiles?: boolean;
}): OrderedJson {
  return {
    file_path: options.task,
    question_v1: options.questionV1,
    question_v2: options.questionV2,
    ...(options.containMultipleFiles === undefined
      ? {}
      : { contain_multiple_files: options.containMultipleFiles }),
    available_tools: ['python_executor'],
    task: options.kind,
    usability_rating: options.listing.usabilityRating ?? 0,
    lastUpdated: options.listing.lastUpdated ?? '',
    needed_files_v1: options.neededV1,
    needed_files_v2: options.neededV2,
  };
}
