import { z } from 'zod';

/**
 * profile.json: what the draft stage (and the LLM prompts) know about a dataset. Numbers
 * are JSON numbers (null where undefined, e.g. std of one value); values from the data are
 * kept as strings in `top_values` and `preview` so nothing is coerced.
 */
export const semanticTypes = [
  'numeric',
  'categorical',
  'datetime',
  'text',
  'id_like',
  'constant',
  'boolean',
] as const;
export type SemanticType = (typeof semanticTypes)[number];

export const columnProfileSchema = z.object({
  name: z.string(),
  /** DuckDB's type name after sniffing, e.g. BIGINT, DOUBLE, VARCHAR, DATE, TIMESTAMP. */
  physical_type: z.string(),
  semantic_type: z.enum(semanticTypes),
  null_fraction: z.number(),
  null_count: z.number(),
  distinct_count: z.number(),
  min: z.union([z.number(), z.string()]).nullable(),
  max: z.union([z.number(), z.string()]).nullable(),
  mean: z.number().nullable(),
  std: z.number().nullable(),
  /** p25, p50, p75 for numeric columns. */
  quantiles: z.object({ p25: z.number(), p50: z.number(), p75: z.number() }).nullable(),
  top_values: z.array(z.object({ value: z.string().nullable(), count: z.number() })),
  /** For datetime-like columns (typed or string columns that parse as dates). */
  datetime: z
    .object({
      min: z.string(),
      max: z.string(),
      /** Most common step between sorted distinct values, as a pandas-style rule: 1D, 1H, 1M, ... */
      inferred_frequency: z.string().nullable(),
      /** Fraction of steps equal to the most common step (1 = perfectly regular). */
      regularity: z.number(),
      /** strftime format when the column is text that parses as dates. */
      format: z.string().nullable(),
    })
    .nullable(),
  avg_length: z.number().nullable(),
  /**
   * Statistics estimated rather than counted (large files: HyperLogLog distinct counts,
   * t-digest quantiles, top values omitted for near-unique columns). Absent when all exact.
   */
  approximate: z.array(z.enum(['distinct_count', 'quantiles', 'top_values'])).optional(),
});
export type ColumnProfile = z.infer<typeof columnProfileSchema>;

export const tableProfileSchema = z.object({
  file: z.string(),
  format: z.enum(['csv', 'tsv', 'json', 'parquet', 'sqlite', 'xlsx', 'other']),
  bytes: z.number(),
  rows: z.number(),
  column_count: z.number(),
  dialect: z
    .object({
      delimiter: z.string(),
      quote: z.string(),
      escape: z.string(),
      header: z.boolean(),
      encoding: z.string(),
    })
    .nullable(),
  columns: z.array(columnProfileSchema),
  /** First rows as strings (null for missing), in column order. */
  preview: z.array(z.array(z.string().nullable())),
  warnings: z.array(z.string()),
  /** Text columns that look like times (name or values) but that no known format parses. */
  unmatched_time_columns: z.array(z.object({ column: z.string(), examples: z.array(z.string()) })).optional(),
});
export type TableProfile = z.infer<typeof tableProfileSchema>;

export const profileSchema = z.object({
  dataset: z.string(),
  tables: z.array(tableProfileSchema),
  main_table: z.object({ file: z.string(), reason: z.string() }),
  skipped_files: z.array(z.object({ file: z.string(), reason: z.string() })),
});
export type Profile = z.infer<typeof profileSchema>;
