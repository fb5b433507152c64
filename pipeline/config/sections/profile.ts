import { z } from 'zod';

export const profileSection = z
  .strictObject({
    preview_rows: z.int().min(0).max(100).default(5).describe('Rows kept as a preview in profile.json.'),
    top_values: z.int().min(0).max(100).default(10).describe('Most frequent values kept per column.'),
    max_columns: z
      .int()
      .min(1)
      .default(1000)
      .describe(
        'Tables wider than this are rejected (too_many_columns) at profile, before any stage reads them (thousands of columns flood the verifier with pandas warnings).',
      ),
    max_file_bytes: z
      .int()
      .min(1)
      .default(20 * 1024 ** 3)
      .describe('Files larger than this are not profiled (file_too_large).'),
    max_inflation_ratio: z
      .int()
      .min(1)
      .default(100)
      .describe(
        'A gzipped file is read only if it inflates to at most this many times its own size (or 64 MiB) and to at most max_file_bytes; more is rejected (inflated_too_large), counted by streaming and stopped at the cap.',
      ),
    exact_max_bytes: z
      .int()
      .min(0)
      .default(256 * 1024 ** 2)
      .describe(
        'Files up to this size get exact statistics; larger ones get one-scan approximations (HyperLogLog distinct counts, t-digest quantiles), marked `approximate` in profile.json.',
      ),
    memory_limit: z
      .string()
      .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i, 'a size such as "2GB" or "512MiB"')
      .default('2GB')
      .describe("DuckDB's memory limit while profiling (bounds peak memory on huge files)."),
    threads: z.int().min(1).max(64).default(2).describe('DuckDB threads while profiling.'),
  })
  .describe('The profile stage (DuckDB).');
