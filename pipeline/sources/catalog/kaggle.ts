import { sha256 } from '../../util/hash.ts';
import type { KaggleListItem, KaggleMetadata } from '../shapes.ts';
import type { VegaPackage } from './package.ts';
import { type CatalogTable, catalogOwner, kaggleLicenses, slugOf } from './schema.ts';
import type { CatalogCsv } from './table.ts';

/** Catalog entries answered in the Kaggle API's shapes (reference/kaggle-api.md). */

const creatorName = 'Vega';

/**
 * Every catalog entry carries a subtitle, description, tags, license, file and column
 * descriptions: the documentation Kaggle's usability score measures.
 */
const usabilityRating = 1;

/** A stable positive 31-bit id from the ref, so adding or reordering entries changes no id. */
export function catalogDatasetId(ref: string): number {
  return Number.parseInt(sha256(`catalog:${ref}`).slice(0, 8), 16) & 0x7fffffff;
}

export function csvFileName(table: CatalogTable): string {
  return `${slugOf(table)}.csv`;
}

export function toListItem(table: CatalogTable, csv: CatalogCsv, pkg: VegaPackage): KaggleListItem {
  return {
    id: catalogDatasetId(table.ref),
    ref: table.ref,
    subtitle: table.subtitle,
    creatorName,
    totalBytes: csv.bytes.byteLength,
    url: `https://cdn.jsdelivr.net/npm/vega-datasets@${pkg.version}/data/${table.file}`,
    lastUpdated: table.last_updated,
    licenseName: table.license,
    description: '',
    ownerName: creatorName,
    ownerRef: catalogOwner,
    title: table.title,
    currentVersionNumber: 1,
    usabilityRating,
    isPrivate: false,
    tags: table.keywords.map((keyword) => ({ ref: keyword, name: keyword })),
  };
}

/** Column descriptions in the file's column order (the catalog check made the sets equal). */
function describedColumns(table: CatalogTable, csv: CatalogCsv): { name: string; description: string }[] {
  const byName = new Map(table.columns.map((column) => [column.name, column.description]));
  return csv.header.map((name) => ({ name, description: byName.get(name) ?? '' }));
}

/**
 * The page text as the Kaggle crawl composes it: the dataset description, then the file's
 * "About this file" text, then one `column: description` line per column.
 */
export function composeDescription(
  table: CatalogTable,
  columns: readonly { name: string; description: string }[],
): string {
  const columnLines = columns.map((column) => `${column.name}: ${oneLine(column.description)}\n`).join('');
  return (
    `${table.description.trimEnd()}\n\n=== About this file ===\n\nAbout this file\n${table.about_file.trimEnd()}\n` +
    `\n\n=== Columns & descriptions ===\n\n${columnLines}`
  );
}

function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' ');
}

export function toMetadata(table: CatalogTable, csv: CatalogCsv, pkg: VegaPackage): KaggleMetadata {
  const columns = describedColumns(table, csv);
  const types = pkg.fieldTypes(table.file);
  return {
    info: {
      datasetId: catalogDatasetId(table.ref),
      datasetSlug: slugOf(table),
      ownerUser: catalogOwner,
      usabilityRating,
      title: table.title,
      subtitle: table.subtitle,
      description: composeDescription(table, columns),
      keywords: [...table.keywords],
      licenses: [{ name: kaggleLicenses[table.license] }],
      data: [
        {
          name: csvFileName(table),
          description: table.about_file.trimEnd(),
          totalBytes: csv.bytes.byteLength,
          columns: columns.map((column) => ({
            name: column.name,
            description: oneLine(column.description),
            type: types.get(column.name) ?? null,
          })),
        },
      ],
    },
    errorMessage: '',
  };
}
