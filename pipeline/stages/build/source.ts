import type { DuckDBConnection, DuckDBDataChunk, DuckDBInstance, DuckDBResult } from '@duckdb/node-api';
import { errorMessage, Rejection } from '../../errors.ts';
import { type Cell, type Column, quoteIdentifier, type StorageKind } from './table.ts';

/**
 * The main table as a DuckDB relation that is scanned, never held: build keeps in memory only
 * what it writes (a seeded sample of at most build.max_rows rows), plus 4 bytes per table row
 * for the seeded choices. Every scan reads the rows in file order (DuckDB preserves insertion
 * order), so a row's position is the same in every scan.
 */
export interface MainTable {
  /** The FROM clause: every column as text, the empty string as missing. */
  relation: string;
  /** For messages. */
  path: string;
  columns: Column[];
  rows: number;
}

// inferKind's rules in SQL (JavaScript's \d and RE2's \d are both ASCII digits, and a full
// match is what JavaScript's ^...$ means without the m flag).
const integerPattern = "'[-+]?\\d{1,15}'";
const floatPattern = "'[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?'";

export interface OpenLimits {
  maxTableRows: number;
}

/** Names, storage kinds and row count of the main table, from one aggregate scan. */
export async function openMainTable(
  duckdb: DuckDBInstance,
  reader: string,
  path: string,
  limits: OpenLimits,
): Promise<MainTable> {
  const connection = await duckdb.connect();
  try {
    const described = await connection.runAndReadAll(`SELECT * FROM ${reader} LIMIT 0`);
    const names = described.columnNames();
    const text = names.map((n) => `NULLIF(${quoteIdentifier(n)}::VARCHAR, '')`);
    const relation = `(SELECT ${text.map((t, i) => `${t} AS ${quoteIdentifier(names[i] as string)}`).join(', ')} FROM ${reader})`;
    const aggregates = names.flatMap((n) => {
      const c = quoteIdentifier(n);
      return [
        `count(${c})`,
        `bool_and(regexp_full_match(${c}, ${integerPattern}))`,
        // bool_and skips nulls: a missing value must not make the column text.
        `bool_and(${c} IS NULL OR (regexp_full_match(${c}, ${floatPattern}) AND coalesce(isfinite(TRY_CAST(${c} AS DOUBLE)), false)))`,
      ];
    });
    const result = await connection.runAndReadAll(
      `SELECT count(*)${aggregates.map((a) => `, ${a}`).join('')} FROM ${relation}`,
    );
    const row = result.getRows()[0] ?? [];
    const rows = Number(row[0] ?? 0);
    if (rows > limits.maxTableRows) {
      throw new Rejection(
        'table_too_large',
        `main table ${path} has ${rows} rows, more than build.max_table_rows (${limits.maxTableRows}); raise it to build this table`,
      );
    }
    const columns = names.map((name, i) => ({ name, kind: kindOf(row.slice(1 + 3 * i, 4 + 3 * i)) }));
    return { relation, path, columns, rows };
  } catch (error) {
    if (error instanceof Rejection) throw error;
    throw new Rejection('unreadable_table', `cannot read main table ${path}: ${errorMessage(error)}`);
  } finally {
    connection.closeSync();
  }
}

function kindOf([known, allInteger, allFloat]: unknown[]): StorageKind {
  if (Number(known ?? 0) === 0) return 'text';
  if (allInteger === true) return 'integer';
  return allFloat === true ? 'float' : 'text';
}

/** Streams `columns` (indices) of every row in file order, one DuckDB chunk at a time. */
async function scan(
  duckdb: DuckDBInstance,
  table: MainTable,
  columns: readonly number[],
  visit: (position: number, cell: (column: number) => Cell) => void,
): Promise<void> {
  const connection: DuckDBConnection = await duckdb.connect();
  try {
    const names = columns.map((i) => quoteIdentifier((table.columns[i] as Column).name));
    const select = names.length ? names.join(', ') : 'NULL';
    let chunks: DuckDBResult;
    try {
      chunks = await connection.stream(`SELECT ${select} FROM ${table.relation}`);
    } catch (error) {
      throw new Rejection('unreadable_table', `cannot read main table ${table.path}: ${errorMessage(error)}`);
    }
    let position = 0;
    for (;;) {
      let chunk: DuckDBDataChunk | null;
      try {
        chunk = await chunks.fetchChunk();
      } catch (error) {
        throw new Rejection(
          'unreadable_table',
          `cannot read main table ${table.path}: ${errorMessage(error)}`,
        );
      }
      if (!chunk || chunk.rowCount === 0) break;
      if (position + chunk.rowCount > table.rows) throw changed(table, position + chunk.rowCount);
      const vectors = columns.map((_, k) => chunk.getColumnVector(k));
      for (let r = 0; r < chunk.rowCount; r++) {
        visit(position++, (k) => {
          const value = vectors[k]?.getItem(r);
          return value === null || value === undefined ? null : String(value);
        });
      }
    }
    if (position !== table.rows) throw changed(table, position);
  } finally {
    connection.closeSync();
  }
}

/** Every scan must see the rows the first one counted: positions index into them. */
function changed(table: MainTable, rows: number): Rejection {
  return new Rejection(
    'table_changed',
    `main table ${table.path} changed while build read it (${table.rows} rows, then ${rows} or more); rerun build`,
  );
}

/** Positions (file order) of the rows where every column of `required` is known. */
export async function knownPositions(
  duckdb: DuckDBInstance,
  table: MainTable,
  required: readonly number[],
): Promise<Int32Array> {
  const positions = new Int32Array(table.rows);
  let count = 0;
  await scan(duckdb, table, required, (position, cell) => {
    for (let k = 0; k < required.length; k++) if (cell(k) === null) return;
    positions[count++] = position;
  });
  return positions.slice(0, count);
}

/** The rows at `positions`, in that order (each row's cells in column order). */
export async function rowsAt(
  duckdb: DuckDBInstance,
  table: MainTable,
  positions: ArrayLike<number>,
): Promise<Cell[][]> {
  const slots = Array.from({ length: positions.length }, (_, k) => k).sort(
    (a, b) => (positions[a] as number) - (positions[b] as number),
  );
  const out: Cell[][] = new Array(positions.length);
  const all = table.columns.map((_, i) => i);
  let next = 0;
  await scan(duckdb, table, positions.length ? all : [], (position, cell) => {
    let row: Cell[] | null = null;
    while (next < slots.length && positions[slots[next] as number] === position) {
      row ??= all.map((k) => cell(k));
      out[slots[next++] as number] = row;
    }
  });
  if (next < slots.length)
    throw new Rejection(
      'table_changed',
      `main table ${table.path} changed while it was read (${next} of ${slots.length} sampled rows found); rerun build`,
    );
  return out;
}

/** Every row, for builds that need the whole table (time series), within build.max_series_rows. */
export async function allRows(duckdb: DuckDBInstance, table: MainTable, maxRows: number): Promise<Cell[][]> {
  if (table.rows > maxRows) {
    throw new Rejection(
      'table_too_large',
      `a time series is built from the whole table, and it has ${table.rows} rows, more than build.max_series_rows (${maxRows})`,
    );
  }
  return rowsAt(
    duckdb,
    table,
    Int32Array.from({ length: table.rows }, (_, i) => i),
  );
}
