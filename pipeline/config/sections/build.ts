import { z } from 'zod';

const classifiers = [
  'LogisticRegression',
  'DecisionTreeClassifier',
  'GaussianNB',
  'LinearSVC',
  'MLPClassifier',
] as const;
const regressors = ['LinearRegression', 'DecisionTreeRegressor', 'Ridge', 'Lasso', 'MLPRegressor'] as const;

const fraction = z.number().min(0).max(1);

export const buildSection = z
  .strictObject({
    train_test_ratio: z
      .array(z.number().gt(0).lt(1))
      .min(1)
      .default([0.7, 0.8, 0.9])
      .describe(
        'Menu of train fractions; each task picks one (seeded). Time series split chronologically at it.',
      ),
    classification_models: z
      .array(z.enum(classifiers))
      .min(1)
      .default([...classifiers])
      .describe('Menu of scikit-learn classifiers for classification IF tasks (seeded pick).'),
    regression_models: z
      .array(z.enum(regressors))
      .min(1)
      .default([...regressors])
      .describe('Menu of scikit-learn regressors for regression IF tasks (seeded pick).'),
    imputers: z
      .array(z.enum(['mean', 'median', 'most_frequent']))
      .min(1)
      .default(['mean', 'median', 'most_frequent'])
      .describe(
        'Menu of SimpleImputer strategies for numeric features (categorical ones always use most_frequent).',
      ),
    random_state_max: z
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(99)
      .describe('random_state stated in the question is drawn from 0..random_state_max (seeded).'),
    file_format_weights: z
      .strictObject({
        csv: z.number().min(0).default(1).describe('Relative weight of csv.'),
        sqlite: z
          .number()
          .min(0)
          .default(1)
          .describe('Relative weight of sqlite (train_v1 spread over row_id-keyed tables).'),
        parquet: z.number().min(0).default(1).describe('Relative weight of parquet.'),
      })
      .prefault({})
      .refine((w) => w.csv + w.sqlite + w.parquet > 0, 'at least one file format needs a positive weight')
      .describe('How often each file format is picked for tabular tasks (time series is always csv).'),
    sqlite_tables: z
      .strictObject({
        min: z.int().min(1).default(2).describe('Fewest tables train_v1.sqlite is spread over.'),
        max: z
          .int()
          .min(1)
          .default(4)
          .describe('Most tables train_v1.sqlite is spread over (capped by the column count).'),
      })
      .prefault({})
      .refine((t) => t.min <= t.max, 'min must not exceed max')
      .describe('How many row_id-keyed tables hold the train_v1 columns in sqlite tasks.'),
    noise_fraction: fraction
      .default(0.2)
      .describe(
        'Noise rows added to train_v1 for instruction-following tasks, as a fraction of training rows.',
      ),
    noise_max_broken_columns: z
      .int()
      .min(1)
      .max(2)
      .default(2)
      .describe('Each noise row copies a real row and breaks the stated range in 1..this many columns.'),
    missing_fraction: fraction
      .default(0.03)
      .describe(
        'Fraction of real training rows that get one ranged value blanked (in train_v1 and train_v1_no_err): the keep-missing rule must keep them.',
      ),
    selected_fraction: z
      .strictObject({
        min: fraction.default(0.5).describe('Smallest share of ranged features selected for the model.'),
        max: fraction.default(0.8).describe('Largest share of ranged features selected for the model.'),
      })
      .prefault({})
      .refine((s) => s.min <= s.max, 'min must not exceed max')
      .describe('Share of the ranged features the question selects (at least one).'),
    max_range_categories: z
      .int()
      .min(1)
      .default(20)
      .describe(
        'Categorical features with more distinct training values than this get no expected range (and are not selected).',
      ),
    min_rows: z
      .int()
      .min(2)
      .default(10)
      .describe('Datasets with fewer usable rows than this are rejected (too_few_rows).'),
    max_rows: z
      .int()
      .min(2)
      .default(200_000)
      .describe(
        'Tabular tables larger than this are cut to a seeded sample of this many rows before splitting.',
      ),
    max_table_rows: z
      .int()
      .min(2)
      .default(50_000_000)
      .describe(
        'Main tables with more rows than this are rejected (table_too_large). Tabular builds stream the table and keep only their sample in memory, plus 8 bytes per table row.',
      ),
    max_series_rows: z
      .int()
      .min(2)
      .default(500_000)
      .describe(
        'A time series is built from the whole table in memory: longer tables get no time-series task (table_too_large).',
      ),
    ts_max_unparsed_fraction: fraction
      .default(0.05)
      .describe(
        'Time series whose time column fails time_format on more than this fraction of rows are rejected.',
      ),
    rewrite: z
      .strictObject({
        enabled: z
          .boolean()
          .default(false)
          .describe(
            'Ask the LLM (llm.* settings, draft.provider) to rewrite the templated questions into fluent prose; a rewrite that loses a range bound, column, model, random_state, file, target or the keep-missing rule is rejected (rewrite_rejected) and the template text kept.',
          ),
        variants: z
          .array(z.enum(['v1', 'v2']))
          .min(1)
          .default(['v1', 'v2'])
          .describe('Which questions to rewrite: v1 (IF / XF) and v2 (MM / CF).'),
      })
      .prefault({})
      .describe('Optional LLM rewrite of task questions, with a deterministic fidelity check.'),
  })
  .describe('The build stage (task folders in the DARE-bench layout).');

export type BuildConfig = z.infer<typeof buildSection>;
