import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../errors.ts';
import { parseCsv } from '../../util/csv.ts';
import { jsonRecordsToCsv } from './json-csv.ts';
import type { VegaPackage } from './package.ts';
import type { CatalogTable } from './schema.ts';

/** One catalog table as the CSV the source hands out. */
export interface CatalogCsv {
  bytes: Uint8Array;
  header: string[];
  rowCount: number;
  sourcePath: string;
  sourceBytes: Uint8Array;
}

/**
 * Reads an entry's file from the package: CSV byte for byte, JSON converted. Throws a
 * UserError naming the catalog, the entry and the file when the file is missing or unusable,
 * or when the columns in the file and the columns described in the catalog disagree.
 */
export async function readCatalogTable(
  pkg: VegaPackage,
  table: CatalogTable,
  catalogPath: string,
): Promise<CatalogCsv> {
  const where = `catalog ${catalogPath}, table ${table.ref}`;
  const sourcePath = join(pkg.dataDir, table.file);
  let sourceBytes: Uint8Array;
  try {
    sourceBytes = await readFile(sourcePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`;
    throw new UserError(
      `${where}: file ${table.file} ${why} in vega-datasets ${pkg.version} (${sourcePath}); fix the entry's file: (ls ${pkg.dataDir} lists the tables)`,
    );
  }
  const text = new TextDecoder().decode(sourceBytes);
  let result: Omit<CatalogCsv, 'sourcePath' | 'sourceBytes'>;
  if (table.file.endsWith('.csv')) {
    const [header = [], ...rows] = parseCsv(text);
    result = { bytes: sourceBytes, header: header.map((cell) => cell ?? ''), rowCount: rows.length };
  } else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new UserError(`${where}: file ${table.file} is not valid JSON (${String(error)})`);
    }
    const converted = jsonRecordsToCsv(parsed);
    if (!converted.ok)
      throw new UserError(`${where}: file ${table.file} cannot become a CSV table: ${converted.problem}`);
    result = {
      bytes: new TextEncoder().encode(converted.csv),
      header: converted.header,
      rowCount: converted.rowCount,
    };
  }
  checkColumns(table, result.header, where);
  return { ...result, sourcePath, sourceBytes };
}

function checkColumns(table: CatalogTable, header: readonly string[], where: string): void {
  const described = new Set(table.columns.map((column) => column.name));
  const present = new Set(header);
  const problems = [
    ...table.columns
      .filter((c) => !present.has(c.name))
      .map((c) => `column "${c.name}" is described but not in the file`),
    ...header
      .filter((name) => !described.has(name))
      .map((name) => `column "${name}" is in the file but has no description`),
  ];
  if (problems.length > 0) {
    throw new UserError(
      `${where} (${table.file}): ${problems.join('; ')}. The file's columns are: ${header.join(', ')}`,
    );
  }
}
