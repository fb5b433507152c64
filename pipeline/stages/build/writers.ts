import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { formatCsv } from '../../util/csv.ts';
import { openSqlite } from '../../util/sqlite.ts';
import { type Cell, type Column, quoteIdentifier, sqlString } from './table.ts';
import type { FileTable } from './tabular.ts';

/** csv as pandas reads it with keep_default_na=False, na_values=['']: only an empty field is missing. */
export async function writeCsv(path: string, table: FileTable): Promise<void> {
  await writeFile(
    path,
    formatCsv(
      table.columns.map((c) => c.name),
      table.rows,
    ),
  );
}

const sqliteType = { integer: 'INTEGER', float: 'REAL', text: 'TEXT' } as const;
const duckType = { integer: 'BIGINT', float: 'DOUBLE', text: 'VARCHAR' } as const;

function typedValue(kind: Column['kind'], value: Cell): string | number | null {
  if (value === null) return null;
  return kind === 'text' ? value : Number(value);
}

/**
 * One sqlite file holding `tables`, written like pandas' to_sql (quoted identifiers, no
 * index). Values are bound, never spliced. The database is built in memory and written in one
 * go, so the file is byte-stable for equal inputs.
 */
export async function writeSqlite(path: string, tables: readonly FileTable[]): Promise<void> {
  const db = await openSqlite();
  try {
    db.run('BEGIN');
    for (const table of tables) {
      const defs = table.columns.map((c) => `${quoteIdentifier(c.name)} ${sqliteType[c.kind]}`).join(',\n  ');
      db.run(`CREATE TABLE ${quoteIdentifier(table.name)} (\n  ${defs}\n)`);
      const insert = db.prepare(
        `INSERT INTO ${quoteIdentifier(table.name)} VALUES (${table.columns.map(() => '?').join(', ')})`,
      );
      try {
        for (const row of table.rows)
          insert.run(table.columns.map((c, i) => typedValue(c.kind, row[i] ?? null)));
      } finally {
        insert.free();
      }
    }
    db.run('COMMIT');
    await writeFile(path, db.export());
  } finally {
    db.close();
  }
}

/** A parquet file through DuckDB: rows go in with the appender (bound), then COPY writes them. */
export async function writeParquet(duckdb: DuckDBInstance, path: string, table: FileTable): Promise<void> {
  const connection = await duckdb.connect();
  const name = `build_${randomBytes(6).toString('hex')}`;
  try {
    const defs = table.columns.map((c) => `${quoteIdentifier(c.name)} ${duckType[c.kind]}`).join(', ');
    await connection.run(`CREATE TEMP TABLE ${quoteIdentifier(name)} (${defs})`);
    await append(connection, name, table);
    await connection.run(`COPY ${quoteIdentifier(name)} TO ${sqlString(path)} (FORMAT parquet)`);
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${quoteIdentifier(name)}`).catch(() => undefined);
    connection.closeSync();
  }
}

async function append(connection: DuckDBConnection, name: string, table: FileTable): Promise<void> {
  const appender = await connection.createAppender(name, 'main', 'temp');
  for (const row of table.rows) {
    table.columns.forEach((column, i) => {
      const value = row[i] ?? null;
      if (value === null) appender.appendNull();
      else if (column.kind === 'integer') appender.appendBigInt(BigInt(value.replace(/^\+/, '')));
      else if (column.kind === 'float') appender.appendDouble(Number(value));
      else appender.appendVarchar(value);
    });
    appender.endRow();
  }
  appender.closeSync();
}
