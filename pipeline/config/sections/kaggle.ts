import { z } from 'zod';

const GiB = 1024 ** 3;

/** Licenses that allow redistributing derived tasks; matched against ids and display names. */
export const defaultLicenseAllowlist = [
  'CC0-1.0',
  'CC0: Public Domain',
  'CC-BY-4.0',
  'Attribution 4.0 International (CC BY 4.0)',
  'CC-BY-SA-3.0',
  'CC BY-SA 3.0',
  'CC-BY-SA-4.0',
  'CC BY-SA 4.0',
  'Attribution-ShareAlike 4.0 International (CC BY-SA 4.0)',
  'ODbL-1.0',
  'Open Data Commons Open Database License (ODbL)',
  'Database: Open Database, Contents: Database Contents',
  'Database: Open Database, Contents: © Original Authors',
  'PDDL',
  'ODC Public Domain Dedication and Licence (PDDL)',
  'DbCL-1.0',
  'apache-2.0',
  'Apache 2.0',
  'mit',
  'MIT',
];

const retrySection = z
  .strictObject({
    max_attempts: z
      .int()
      .min(1)
      .max(20)
      .default(6)
      .describe('Tries per request (first try included) on 429, 5xx and network errors.'),
    base_delay_ms: z
      .int()
      .min(0)
      .default(1000)
      .describe('Backoff base: the wait before retry n is random in [0, min(max_delay_ms, base * 2^n)].'),
    max_delay_ms: z.int().min(0).default(60_000).describe('Cap on one backoff wait (before Retry-After).'),
    max_retry_after_ms: z
      .int()
      .min(0)
      .default(30 * 60_000)
      .describe('A Retry-After longer than this is not waited for: the request fails instead.'),
  })
  .describe('Retries with capped exponential backoff and full jitter; Retry-After is a minimum.');

const extractSection = z
  .strictObject({
    max_total_bytes: z
      .int()
      .min(1)
      .default(20 * GiB)
      .describe('Refuse an archive whose entries inflate to more than this in total (archive_too_large).'),
    max_entries: z
      .int()
      .min(1)
      .default(10_000)
      .describe('Refuse an archive with more entries than this (archive_too_many_entries).'),
    max_compression_ratio: z
      .number()
      .min(1)
      .default(200)
      .describe(
        'Refuse an entry that inflates to more than this many times its compressed size (archive_bomb).',
      ),
    ratio_floor_bytes: z
      .int()
      .min(0)
      .default(16 * 1024 ** 2)
      .describe('The compression-ratio rule applies once an entry has inflated past this many bytes.'),
    allow_nested_archives: z
      .boolean()
      .default(false)
      .describe('Keep archives found inside the download (as files, never extracted); else nested_archive.'),
  })
  .describe('Limits applied while extracting an untrusted download (actual inflated bytes are counted).');

const listSection = z
  .strictObject({
    search: z.string().default('').describe('Search terms sent to the list API.'),
    sort_by: z
      .enum([
        'hottest',
        'votes',
        'updated',
        'active',
        'published',
        'relevance',
        'usability',
        'download_count',
      ])
      .default('votes')
      .describe('Sort order of the listing.'),
    file_type: z
      .enum(['all', 'csv', 'sqlite', 'json', 'parquet', 'bigquery'])
      .default('csv')
      .describe('File type group filter of the list API.'),
    license_group: z
      .enum(['all', 'cc', 'gpl', 'odb', 'other'])
      .default('all')
      .describe('License group filter of the list API (the allowlist in select.licenses is applied after).'),
    tags: z
      .array(z.string().min(1))
      .default([])
      .describe('Tag ids sent to the list API (datasets with all of them).'),
    user: z.string().default('').describe("Only this owner's datasets (empty: everyone)."),
    min_size: z.int().min(0).optional().describe('Smallest dataset size in bytes sent to the list API.'),
    max_size: z.int().min(0).optional().describe('Largest dataset size in bytes sent to the list API.'),
    page_cap: z
      .int()
      .min(1)
      .default(500)
      .describe('The last page the API serves; a search that fills it is split into size bands.'),
    max_pages: z.int().min(1).default(10_000).describe('Stop listing after this many pages in total.'),
    split_by_size: z
      .boolean()
      .default(true)
      .describe('Split a search that reaches page_cap into size bands so nothing past the cap is lost.'),
  })
  .describe('What to ask the list API for.');

const selectSection = z
  .strictObject({
    licenses: z
      .array(z.string().min(1))
      .default(defaultLicenseAllowlist)
      .describe('Allowed licenses, by id (CC0-1.0) or display name (CC0: Public Domain); case-insensitive.'),
    tabular_types: z
      .array(z.string().regex(/^[a-z0-9]+$/, 'a file extension without the dot, e.g. csv'))
      .default(['csv', 'tsv', 'parquet', 'sqlite', 'db', 'json', 'xlsx'])
      .describe('File extensions that count as tables; a download without any is rejected (not_tabular).'),
    min_bytes: z.int().min(0).default(256).describe('Smallest dataset (totalBytes) kept.'),
    max_bytes: z
      .int()
      .min(1)
      .default(2 * GiB)
      .describe('Largest dataset (totalBytes) kept.'),
    min_usability: z.number().min(0).max(1).default(0).describe('Lowest Kaggle usability rating (0-1) kept.'),
    tags_include: z
      .array(z.string().min(1))
      .default([])
      .describe('Keep only datasets with at least one of these tags (ref or name); empty keeps all.'),
    tags_exclude: z.array(z.string().min(1)).default([]).describe('Drop datasets with any of these tags.'),
    updated_since: z.iso
      .date()
      .optional()
      .describe('Drop datasets last updated before this date (YYYY-MM-DD).'),
    max_count: z.int().min(1).optional().describe('Keep at most this many datasets (in listing order).'),
  })
  .describe(
    'Which listed datasets are kept, by the kaggle and mirror sources alike (applied to list items, in order).',
  );

export const kaggleSection = z
  .strictObject({
    base_url: z
      .url()
      .refine(
        (url) => !/^[a-z]+:\/\/[^/]*@/i.test(url),
        'must not contain credentials (use KAGGLE_API_TOKEN)',
      )
      .optional()
      .describe(
        'Kaggle API base URL; default https://api.kaggle.com (rpc) or https://www.kaggle.com (rest). Tests point it at a loopback server.',
      ),
    url_style: z
      .enum(['rpc', 'rest'])
      .default('rpc')
      .describe(
        'rpc: POST /v1/datasets.DatasetApiService/<Method> (current clients); rest: legacy GET /api/v1/...',
      ),
    requests_per_minute: z
      .number()
      .min(0)
      .default(60)
      .describe('Global request-rate limit across all Kaggle calls (0: unlimited).'),
    download_concurrency: z.int().min(1).max(8).default(1).describe('Dataset downloads running at once.'),
    request_timeout_ms: z
      .int()
      .min(1)
      .default(120_000)
      .describe('Give up on a request (or a stalled download) after this long without progress.'),
    max_answer_bytes: z
      .int()
      .min(1)
      .default(64 * 1024 ** 2)
      .describe(
        'Largest API (JSON) answer read, e.g. metadata; a larger one is refused (kaggle_answer_too_large).',
      ),
    max_download_bytes: z
      .int()
      .min(1)
      .default(4 * GiB)
      .describe(
        "Most bytes one download may write; lowered to the listing's declared size (+10% + 1 MiB) when it has one. A larger or endless body is refused (download_too_large).",
      ),
    download_timeout_ms: z
      .int()
      .min(1)
      .default(3_600_000)
      .describe(
        'A download (every retry included) still running after this long is abandoned (download_timeout).',
      ),
    keep_archives: z
      .boolean()
      .default(false)
      .describe(
        'Keep downloaded zips (under <raw>/.downloads) so an unchanged dataset is not downloaded again.',
      ),
    retry: retrySection.prefault({}),
    extract: extractSection.prefault({}),
    list: listSection.prefault({}),
    select: selectSection.prefault({}),
  })
  .describe('The Kaggle source (used when source.kind is kaggle, and by `dare-forge add`).');

export type KaggleConfig = z.infer<typeof kaggleSection>;
