import { z } from 'zod';
import { licenseClasses } from '../../release/licenses.ts';

export const releaseSection = z
  .strictObject({
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, 'a semantic version such as 1.0.0')
      .default('0.1.0')
      .describe('Release version written by `run` (the release command takes --version).'),
    eval_fraction: z
      .number()
      .min(0)
      .max(1)
      .default(0.05)
      .describe('Fraction of datasets (the most recently updated) that go to eval.'),
    eval_pinned: z
      .array(z.string())
      .optional()
      .describe(
        'Dataset ids pinned to eval (instead of the fraction), so eval stays stable while train grows.',
      ),
    license_table: z
      .string()
      .default('configs/licenses.yaml')
      .describe(
        'YAML table normalising Kaggle license names to SPDX-style ids and classes. Relative to the config file; unset: the one shipped with the tool.',
      ),
    open_license_classes: z
      .array(z.enum(licenseClasses))
      .default(['permissive', 'share_alike'])
      .describe('License classes that make up the open-license subset.'),
    open_license_ids: z
      .array(z.string())
      .optional()
      .describe(
        'If set, only these SPDX-style license ids (after normalising) form the open-license subset.',
      ),
    dedup_row_jaccard: z
      .number()
      .min(0)
      .max(1)
      .default(0.8)
      .describe('Estimated row-set Jaccard at or above which two datasets count as copies of one table.'),
    dedup_column_overlap: z
      .number()
      .min(0)
      .max(1)
      .default(0.8)
      .describe('Column-name overlap (Jaccard) required before rows are compared.'),
    sketch_size: z
      .int()
      .min(16)
      .max(4096)
      .default(256)
      .describe('Row hashes kept per table (bottom-k MinHash).'),
  })
  .describe('The release stage (splits, open-license subset, decontamination, exports).');
