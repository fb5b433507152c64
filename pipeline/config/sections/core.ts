import { z } from 'zod';

export const corpusSection = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .default('dare-forge-demo')
      .describe('Name of the corpus, used in release manifests.'),
    seed: z
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(20260227)
      .describe('Corpus seed. Every random choice derives its own seed from this and the dataset id.'),
    limits: z
      .strictObject({
        max_file_mb: z
          .number()
          .positive()
          .default(2048)
          .describe('Largest data file read or copied from a third-party corpus (verify/release --corpus).'),
        max_metadata_mb: z
          .number()
          .positive()
          .default(64)
          .describe('Largest all_metadata.json or question_list.json read from a corpus.'),
        max_prediction_mb: z
          .number()
          .positive()
          .default(200)
          .describe(
            'Largest prediction.csv (and ground-truth file) `score` reads; a larger one scores 0 (the published tool caps files at 200 MB).',
          ),
      })
      .prefault({})
      .describe(
        'Caps on reading corpora written by others: links, special files and paths leaving a task folder are always refused.',
      ),
  })
  .describe('The corpus being built.');

export const pathsSection = z
  .strictObject({
    raw: z.string().min(1).default('raw').describe('Where scraped datasets go (raw/<dataset-id>/).'),
    processed: z
      .string()
      .min(1)
      .default('processed')
      .describe('Where per-dataset artifacts go (processed/<dataset-id>/).'),
    splits: z.string().min(1).default('splits').describe('Where releases go (splits/<version>/).'),
  })
  .describe('Output folders; a relative path (and the default) resolves against the config file folder.');

export const sourceSection = z
  .strictObject({
    kind: z
      .enum(['catalog', 'mirror', 'kaggle'])
      .default('catalog')
      .describe(
        'catalog: the bundled sample catalog (no network); mirror: a folder laid out like the Kaggle API; kaggle: the live Kaggle API.',
      ),
    catalog: z
      .string()
      .default('configs/catalog.yaml')
      .describe(
        'The catalog file describing bundled tables (used when kind is catalog). Relative to the config file; unset: the one shipped with the tool.',
      ),
    mirror: z
      .string()
      .default('../shared/fixtures/kaggle')
      .describe(
        'The mirror folder: index.json plus <owner>/<slug>/{metadata.json,files/} (kind mirror). Relative to the config file; unset: beside the tool.',
      ),
    max_datasets: z
      .int()
      .positive()
      .optional()
      .describe('Take at most this many datasets from the source (in listing order).'),
  })
  .describe('Where datasets come from.');

export const runSection = z
  .strictObject({
    concurrency: z
      .int()
      .min(1)
      .max(64)
      .default(2)
      .describe('How many datasets a stage works on at once (overridden by --concurrency).'),
    strict: z
      .boolean()
      .default(false)
      .describe('Exit 1 when any dataset is rejected (overridden by --strict).'),
  })
  .describe('How stages run.');
