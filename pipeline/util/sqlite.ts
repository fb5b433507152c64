import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';

/**
 * SQLite through sql.js (SQLite compiled to WebAssembly): no native build at install time.
 * It holds a whole database in memory, so callers cap a file's size before opening it.
 * The module is loaded once per process, and only when a SQLite file is actually touched.
 */
let loading: Promise<SqlJsStatic> | undefined;

function sqlJs(): Promise<SqlJsStatic> {
  loading ??= initSqlJs();
  return loading;
}

/** An empty in-memory database, or one holding the bytes of a SQLite file. */
export async function openSqlite(bytes?: Uint8Array): Promise<Database> {
  const SQL = await sqlJs();
  return new SQL.Database(bytes);
}

export type { Database as SqliteDatabase };
