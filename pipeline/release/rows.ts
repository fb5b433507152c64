import { readFile } from 'node:fs/promises';
import type { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { parseCsvWithHeader } from '../util/csv.ts';

export interface TableRows {
  columns: string[];
  rows: (string | null)[][];
}

/** A number prints one way whatever format it came from, so csv, sqlite and parquet copies hash alike. */
export function canonicalCell(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'bigint') return Number(value).toString();
  const text = String(value);
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n.toString() : text;
}

/** A SQLite task file whose table is a view or virtual table (or missing): never read. */
export class SqliteNotTableError extends Error {
  readonly reason = 'sqlite_not_table';
}

/** Reads a task data file (csv, sqlite table, parquet) as canonical strings. */
export async function readTableRows(
  file: string,
  duckdb: () => Promise<DuckDBInstance>,
  sqliteTable?: string,
): Promise<TableRows> {
  if (file.endsWith('.csv')) {
    const { header, rows } = parseCsvWithHeader(await readFile(file, 'utf8'));
    return { columns: header, rows: rows.map((r) => r.map(canonicalCell)) };
  }
  if (file.endsWith('.sqlite')) {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const tables = db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
        )
        .all() as { name: string }[];
      const table = sqliteTable ?? tables[0]?.name;
      // Only plain tables are read: a view (or virtual table) can run any query, an endless
      // recursive one included, and this read runs on the host with no time limit.
      if (table === undefined || !tables.some((t) => t.name === table)) {
        throw new SqliteNotTableError(
          `${file}: ${table === undefined ? 'holds no table' : `"${table}" is not a plain table (a view or virtual table)`}; only plain SQLite tables are read`,
        );
      }
      const statement = db.prepare(`SELECT * FROM "${table.replace(/"/g, '""')}"`).raw(true);
      const columns = statement.columns().map((c) => c.name);
      return { columns, rows: (statement.all() as unknown[][]).map((r) => r.map(canonicalCell)) };
    } finally {
      db.close();
    }
  }
  if (file.endsWith('.parquet')) {
    const connection = await (await duckdb()).connect();
    try {
      const reader = await connection.runAndReadAll('SELECT * FROM read_parquet($1)', [file]);
      const columns = reader.columnNames();
      return { columns, rows: reader.getRowsJS().map((r) => r.map(canonicalCell)) };
    } finally {
      connection.closeSync();
    }
  }
  throw new Error(`cannot read ${file}: not csv, sqlite or parquet`);
}
