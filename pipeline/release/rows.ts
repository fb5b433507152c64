import { readFile, stat } from 'node:fs/promises';
import type { DuckDBInstance } from '@duckdb/node-api';
import { parseCsvWithHeader } from '../util/csv.ts';
import { defaultReadLimits } from '../util/inside.ts';
import { openSqlite } from '../util/sqlite.ts';

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

/** A cell as better-sqlite3 gave it: a BLOB reads as its bytes decoded as UTF-8. */
function cellValue(value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value;
}

/**
 * The bytes of a SQLite file, at most `maxBytes` of them (checked before reading and again on
 * what was read, in case the file grew in between).
 */
async function sqliteBytes(file: string, maxBytes: number): Promise<Uint8Array> {
  // sql.js holds the whole file in memory: one over the cap is never opened.
  const tooLarge = () =>
    new Error(`${file}: over the ${maxBytes}-byte cap (corpus.limits.max_file_mb); not opened`);
  if ((await stat(file)).size > maxBytes) throw tooLarge();
  const bytes = await readFile(file);
  if (bytes.length > maxBytes) throw tooLarge();
  return bytes;
}

/** One plain table of a SQLite file, read in memory through sql.js. */
async function readSqliteTable(file: string, sqliteTable: string | undefined, maxBytes: number) {
  const db = await openSqlite(await sqliteBytes(file, maxBytes));
  try {
    const [listed] = db.exec(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
    );
    const tables = (listed?.values ?? []).map(([name]) => String(name));
    const table = sqliteTable ?? tables[0];
    // Only plain tables are read: a view (or virtual table) can run any query, an endless
    // recursive one included, and this read runs on the host with no time limit.
    if (table === undefined || !tables.includes(table)) {
      throw new SqliteNotTableError(
        `${file}: ${table === undefined ? 'holds no table' : `"${table}" is not a plain table (a view or virtual table)`}; only plain SQLite tables are read`,
      );
    }
    const statement = db.prepare(`SELECT * FROM "${table.replace(/"/g, '""')}"`);
    try {
      const columns = statement.getColumnNames();
      const rows: (string | null)[][] = [];
      while (statement.step()) rows.push(statement.get().map((v) => canonicalCell(cellValue(v))));
      return { columns, rows };
    } finally {
      statement.free();
    }
  } finally {
    db.close();
  }
}

/**
 * Reads a task data file (csv, sqlite table, parquet) as canonical strings. A SQLite file over
 * `maxBytes` (corpus.limits.max_file_mb by default) is refused before it is loaded.
 */
export async function readTableRows(
  file: string,
  duckdb: () => Promise<DuckDBInstance>,
  sqliteTable?: string,
  maxBytes = defaultReadLimits().maxFileBytes,
): Promise<TableRows> {
  if (file.endsWith('.csv')) {
    const { header, rows } = parseCsvWithHeader(await readFile(file, 'utf8'));
    return { columns: header, rows: rows.map((r) => r.map(canonicalCell)) };
  }
  if (file.endsWith('.sqlite')) return readSqliteTable(file, sqliteTable, maxBytes);
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
