import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { UserError } from '../../errors.ts';

/**
 * configs/catalog.yaml: the bundled sample tables (from the vega-datasets npm package), each
 * documented the way a Kaggle dataset page is, so the catalog source can answer in Kaggle's shapes.
 */

/** Kaggle display name (list items) -> the name the metadata API returns in `licenses[].name`. */
export const kaggleLicenses = {
  'CC0: Public Domain': 'CC0-1.0',
  // The metadata API answers CC BY 4.0 with its display name (seen in the fixtures' metadata).
  'Attribution 4.0 International (CC BY 4.0)': 'Attribution 4.0 International (CC BY 4.0)',
  'U.S. Government Works': 'US-Government-Works',
  'Other (specified in description)': 'other',
  Unknown: 'unknown',
} as const;
export type KaggleLicenseName = keyof typeof kaggleLicenses;
const licenseNames = Object.keys(kaggleLicenses) as [KaggleLicenseName, ...KaggleLicenseName[]];

export const taskHints = [
  'classification',
  'regression',
  'time_series_single_entity',
  'time_series_multi_entity',
] as const;
export type TaskHint = (typeof taskHints)[number];

/** The Kaggle tag a dataset page carries for each hint, so the hint reaches drafting as a keyword. */
export const hintKeyword: Record<TaskHint, string> = {
  classification: 'classification',
  regression: 'regression',
  time_series_single_entity: 'time series analysis',
  time_series_multi_entity: 'time series analysis',
};

export const catalogOwner = 'vega-datasets';
const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const text = z.string().trim().min(1, 'must not be empty');

const columnSchema = z.strictObject({
  name: z.string().min(1, 'must not be empty'),
  description: text,
});

const tableSchema = z.strictObject({
  ref: z
    .string()
    .refine(
      (ref) => ref.startsWith(`${catalogOwner}/`) && slugPattern.test(ref.slice(catalogOwner.length + 1)),
      `expected "${catalogOwner}/<slug>" with a slug of lowercase letters, digits and single dashes`,
    ),
  file: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_.-]*\.(csv|json)$/,
      'expected a .csv or .json file name inside vega-datasets/data (no folders)',
    ),
  title: text.max(60, 'Kaggle titles are at most 60 characters'),
  subtitle: text.max(80, 'Kaggle subtitles are at most 80 characters'),
  description: text,
  about_file: text,
  license: z.enum(licenseNames, {
    error: `expected one of: ${licenseNames.map((l) => `"${l}"`).join(', ')}`,
  }),
  last_updated: z.iso
    .datetime({ message: 'expected an ISO 8601 UTC time such as 2025-08-21T23:04:37.000Z' })
    .transform((value) => new Date(value).toISOString()),
  keywords: z.array(text).min(1),
  task_hints: z.array(z.enum(taskHints)).min(1),
  columns: z.array(columnSchema).min(1),
});
export type CatalogTable = z.infer<typeof tableSchema>;

export const catalogSchema = z
  .strictObject({ tables: z.array(tableSchema).min(1, 'list at least one table') })
  .superRefine((catalog, issue) => {
    const seenRefs = new Set<string>();
    catalog.tables.forEach((table, index) => {
      if (seenRefs.has(table.ref)) {
        issue.addIssue({
          code: 'custom',
          path: ['tables', index, 'ref'],
          message: `duplicate ref ${table.ref}`,
        });
      }
      seenRefs.add(table.ref);
      const seenColumns = new Set<string>();
      table.columns.forEach((column, columnIndex) => {
        if (seenColumns.has(column.name)) {
          issue.addIssue({
            code: 'custom',
            path: ['tables', index, 'columns', columnIndex, 'name'],
            message: `column "${column.name}" is described twice`,
          });
        }
        seenColumns.add(column.name);
      });
      for (const hint of table.task_hints) {
        if (!table.keywords.includes(hintKeyword[hint])) {
          issue.addIssue({
            code: 'custom',
            path: ['tables', index, 'keywords'],
            message: `task hint ${hint} needs the keyword "${hintKeyword[hint]}"`,
          });
        }
      }
    });
  });
export type Catalog = z.infer<typeof catalogSchema>;

export type CatalogResult = { ok: true; catalog: Catalog } | { ok: false; errors: string[] };

export function slugOf(table: Pick<CatalogTable, 'ref'>): string {
  return table.ref.slice(catalogOwner.length + 1);
}

/** `tables.3 (vega-datasets/cars).license`: the entry's ref makes a bad path easy to find. */
function issuePath(path: readonly PropertyKey[], raw: unknown): string {
  if (path.length === 0) return '(root)';
  const parts = path.map(String);
  const [section, index] = path;
  if (section === 'tables' && typeof index === 'number' && isRecord(raw) && Array.isArray(raw.tables)) {
    const entry: unknown = raw.tables[index];
    if (isRecord(entry) && typeof entry.ref === 'string') parts[1] = `${index} (${entry.ref})`;
  }
  return parts.join('.');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses catalog YAML into a catalog or `path: message` errors; pure. */
export function parseCatalogText(yamlText: string): CatalogResult {
  const document = parseDocument(yamlText, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    return { ok: false, errors: document.errors.map((e) => `(yaml): ${e.message.split('\n')[0]}`) };
  }
  const raw: unknown = document.toJS() ?? {};
  const result = catalogSchema.safeParse(raw);
  if (result.success) return { ok: true, catalog: result.data };
  const errors = result.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const where = issue.path.length > 0 ? `${issuePath(issue.path, raw)}.` : '';
      return issue.keys.map((key) => `${where}${key}: unknown key (check the spelling)`);
    }
    return [`${issuePath(issue.path, raw)}: ${issue.message}`];
  });
  return { ok: false, errors };
}

/** Reads and validates a catalog file; a UserError lists every problem with the file named. */
export async function loadCatalog(path: string): Promise<Catalog> {
  let yamlText: string;
  try {
    yamlText = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? String(error)})`;
    throw new UserError(
      `catalog ${path}: ${why}. Point source.catalog at an existing file, e.g. configs/catalog.yaml`,
    );
  }
  const result = parseCatalogText(yamlText);
  if (!result.ok) {
    throw new UserError(`catalog ${path} is invalid:\n${result.errors.map((e) => `  ${e}`).join('\n')}`);
  }
  return result.catalog;
}
