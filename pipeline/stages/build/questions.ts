import type { ExpectedRange } from './ranges.ts';
import type { FileFormat, TabularPlan } from './tabular.ts';
import type { TimeSeriesPlan } from './timeseries.ts';

/** A column name in backticks, or JSON-quoted when backticks could not hold it unambiguously. */
export function code(name: string): string {
  return /[`\r\n]/.test(name) || name.trim() !== name || name === '' ? JSON.stringify(name) : `\`${name}\``;
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function numberText(value: number, storage: string): string {
  return storage === 'float' && Number.isInteger(value) ? value.toFixed(1) : String(value);
}

function rangeText(name: string, range: ExpectedRange): string {
  if (range.kind === 'interval') {
    return `${code(name)} between ${numberText(range.min, range.storage)} and ${numberText(range.max, range.storage)} inclusive`;
  }
  const values = range.storage === 'text' ? range.values.map((v) => JSON.stringify(v)) : range.values;
  return `${code(name)} one of ${values.join(', ')}`;
}

const intro =
  'Please complete the task as described below without asking any follow-up questions or requesting additional information.';

const loadIntro: Record<FileFormat, string> = {
  csv: 'You are given access to a training CSV file named `train_v1.csv`, which contains a single table.',
  sqlite:
    'You are given access to a training SQLite file named `train_v1.sqlite`, which contains multiple tables. These tables share a common key column `row_id` and must be joined using this column to reconstruct the full training dataset.',
  parquet:
    'You are given access to a training Parquet file named `train_v1.parquet`, which contains a single table.',
};

const loadStep: Record<FileFormat, string> = {
  csv: 'First, load the training file directly, treating only empty strings as missing values.',
  sqlite:
    'First, join all the tables in the training database on `row_id` to reconstruct the full training dataset.',
  parquet: 'First, load the training data from `train_v1.parquet`.',
};

const imputerText: Record<string, string> = {
  mean: 'the mean',
  median: 'the median',
  most_frequent: 'the most frequent value',
};

const modelsWithoutSeed = new Set(['GaussianNB', 'LinearRegression']);

/** IF: every instruction the reference solution follows, in its order, with nothing left implicit. */
export function tabularQuestionV1(plan: TabularPlan): string {
  const f = plan.format;
  const targets = list(plan.targets.map(code));
  const kind = plan.problemType;
  const ranges = [...plan.ranges].map(([name, range]) => rangeText(name, range));
  const numeric = plan.numerical.length
    ? `Treat the following features as numeric features, in the listed order: ${list(plan.numerical.map(code))}.`
    : 'There are no numeric features.';
  const categorical = plan.categorical.length
    ? `Treat the following features as categorical features, in the listed order: ${list(plan.categorical.map(code))}.`
    : 'There are no categorical features.';
  const seed = modelsWithoutSeed.has(plan.model)
    ? 'with its default settings (it takes no random_state)'
    : `with random_state set to ${plan.randomState}`;
  return [
    `${intro} Proceed under the assumption that all required information is provided. ${loadIntro[f]} You are also provided with a metadata file \`metadata.txt\` that describes the original dataset and each of its columns. Your task is to perform ${kind} using this data and predict the target column${plan.targets.length > 1 ? 's' : ''} ${targets} for the validation set located at \`val_v1.${f}\`. Unless stated otherwise, you should use default parameters for all steps, including model training and preprocessing.`,
    `${loadStep[f]} Then filter the training dataset using the expected ranges defined for each column, in the following order: ${ranges.join('; ')}. Exclude only the rows that violate these expected ranges with a known (non-missing) value; if a value is missing, keep the row.`,
    `Next, select only the following features for training the model, in the specified order: ${list(plan.selected.map(code))}. ${numeric} ${categorical} Keep the numeric and the categorical features in these listed orders.`,
    `Handle missing values by imputing ${imputerText[plan.imputer] ?? plan.imputer} for numeric features and the most frequent category for categorical features. Preprocess the data by applying a standard scaler to the numeric features and one-hot encoding to the categorical features with unknown categories ignored (handle_unknown set to ignore) and a dense output (sparse_output set to False).`,
    `Train a single ${plan.model} model using the scikit-learn package ${seed}. Finally, make predictions on the validation set and save the results to a CSV file at \`prediction.csv\`. The file must contain the column \`row_id\` (as provided in the original \`val_v1.${f}\`) and the corresponding predictions for ${targets}, with each prediction aligned to its row_id so that performance can be computed correctly.`,
  ].join('\n\n');
}

/** MM: the published free-modelling question. */
export function tabularQuestionV2(plan: TabularPlan): string {
  const f = plan.format;
  return `${intro} Your task is to achieve good performance while balancing training time and accuracy in the sandbox. You are provided with a processed dataset, along with a metadata file \`metadata.txt\` that describes the original dataset and each of its columns. Load data in \`train_v2.${f}\` as your full training set. Once that's done, using only CPU resources, train a ${plan.problemType} model on this training data. Then use \`val_v2.${f}\` to generate a prediction for ${plan.targets.map(code).join(', ')} for each \`row_id\`. The model should output a file named \`prediction.csv\`. The file must contain the column row_id (as provided in the original \`val_v2.${f}\` and the corresponding predictions. Each prediction should be aligned with its row_id so that performance can be computed correctly.`;
}

const tsIntro = `${intro} Your task is to achieve good performance while balancing time and accuracy in the sandbox environment.`;

/** XF: exogenous features are given at the future time points. */
export function timeSeriesQuestionV1(plan: TimeSeriesPlan): string {
  const targets = plan.targets.map(code).join(', ');
  return `${tsIntro} Proceed under the assumption that all required information is provided. You are provided with a processed dataset, along with a metadata file \`metadata.txt\` that describes the original dataset and each of its columns. Load data in \`train.csv\` as your full training set. The validation file \`val_v1.csv\` contains future time points where all non-target features are provided, but the target column ${targets} is unknown. Your task is to predict the target column ${targets} at those validation time points using the provided features. Train your model(s) on the training data using only CPU resources. Then generate predictions for ${targets} in \`val_v1.csv\` for each \`row_id\`. The model should output a file named \`prediction.csv\`. The file must contain the column row_id (as provided in the original \`val_v1.csv\` and the corresponding predictions. Each prediction should be aligned with its row_id so that performance can be computed correctly.`;
}

/** CF: only time (+ entity) columns are given. */
export function timeSeriesQuestionV2(plan: TimeSeriesPlan): string {
  const targets = plan.targets.map(code).join(', ');
  const resample = plan.resample
    ? ` Before training, resample the training data to a uniform time interval of '${plan.resample.rule}', and aggregate the target column using the method '${plan.resample.aggregation}'.`
    : '';
  return `${tsIntro} You are provided with a processed dataset, along with a metadata file \`metadata.txt\` that describes the original dataset and each of its columns. Load the file \`train.csv\` as your complete training data. This file contains the raw, non-resampled time series data. Once that's done, using only CPU resources, train time series analysis model(s) on the training data. Then, based on the file \`val_v2.csv\`, forecast the target column ${targets}.${resample} You may generate predictions for a continuous time range, but your predictions must at least cover the earliest and latest timestamps that appear in \`val_v2.csv\` for each unique combination of identifiers present in \`val_v2.csv\`. Your output file must be named \`prediction.csv\` and must contain all identifier columns together with the predicted values for the target column ${targets}. Also note that the validation file may contain non-contiguous and unsorted time points, meaning the time indices are not guaranteed to be consecutive. Each prediction must be aligned with its identifiers so that performance can be computed correctly.`;
}
