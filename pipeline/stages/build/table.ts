import type { DuckDBInstance } from '@duckdb/node-api';
import { errorMessage, Rejection } from '../../errors.ts';
import { type CsvDialect, csvTextReader, tableKindOf } from '../../tables/reader.ts';
import { quotePath } from '../profile/sql.ts';

/** A value as read from the source file: its text, or null when missing. */
export type Cell = string | null;

/** How a column is stored in every output format (sqlite INTEGER/REAL/TEXT, parquet BIGINT/DOUBLE/VARCHAR). */
export type StorageKind = 'integer' | 'float' | 'text';

export interface Column {
  name: string;
  kind: StorageKind;
}

export interface Table {
  columns: Column[];
  rows: Cell[][];
}

/** The rows of sampleOrder, in its order: what a tabular task is built from. */
export interface SampledTable extends Table {
  readonly sampled: true;
}

const integerText = /^[-+]?\d{1,15}$/;
const floatText = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** The narrowest storage every known value fits: integers stay exact, long digit strings stay text. */
export function inferKind(values: Iterable<Cell>): StorageKind {
  let kind: StorageKind = 'integer';
  let seen = false;
  for (const value of values) {
    if (value === null) continue;
    seen = true;
    if (kind === 'integer' && integerText.test(value)) continue;
    if (floatText.test(value) && Number.isFinite(Number(value))) kind = 'float';
    else return 'text';
  }
  return seen ? kind : 'text';
}

/** SQL string literal for our own paths (never for data values, which are bound). */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The DuckDB reader of the main table: every column as written (csv cells as text). A csv
 * is read with the dialect profile read it with (tables/reader.ts), so what profile accepted
 * build reads; without a profile, DuckDB sniffs it.
 */
export function mainTableReader(path: string, dialect?: CsvDialect | null): string {
  const kind = tableKindOf(path);
  if (kind === 'parquet') return `read_parquet(${quotePath(path)})`;
  if (kind === 'csv') {
    if (dialect) return csvTextReader(path, dialect);
    return `read_csv(${quotePath(path)}, all_varchar=true, header=true)`;
  }
  throw new Rejection('unsupported_table_format', `main table ${path} is not csv, tsv or parquet`);
}

/**
 * Reads the whole main table as text cells through DuckDB (every column as VARCHAR, so values
 * keep their source spelling); the empty string counts as missing, as in the benchmark's csv.
 * The build stage streams instead (source.ts); this in-heap form serves small tables and tests.
 */
export async function loadTable(
  duckdb: DuckDBInstance,
  path: string,
  dialect?: CsvDialect | null,
): Promise<Table> {
  const from = mainTableReader(path, dialect);
  const connection = await duckdb.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT COLUMNS(*)::VARCHAR FROM ${from}`);
    const names = reader.columnNames();
    const rows = reader.getRows().map((row) => row.map((v) => (v === null || v === '' ? null : String(v))));
    const columns = names.map((name, index) => ({
      name,
      kind: inferKind(rows.map((row) => row[index] ?? null)),
    }));
    return { columns, rows };
  } catch (error) {
    throw new Rejection('unreadable_table', `cannot read main table ${path}: ${errorMessage(error)}`);
  } finally {
    connection.closeSync();
  }
}

export function columnIndex(table: { columns: readonly Column[] }, name: string): number {
  const index = table.columns.findIndex((c) => c.name === name);
  if (index < 0)
    throw new Rejection('unknown_column', `draft names column "${name}", which the main table lacks`);
  return index;
}
