import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Column names and file names come from the data and are hostile until proven otherwise:
 * they only ever reach SQL through these two functions (or as bound values).
 */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * A file path for DuckDB's readers (read_csv, read_parquet, read_json, sniff_csv), which take
 * it as a glob pattern: `x[1].csv` would read `x1.csv` and `y*.csv` every y-file. Each glob
 * character becomes a one-character class, so the pattern matches exactly the named file.
 */
export function quotePath(path: string): string {
  return quoteLiteral(path.replace(/[*?[]/g, (c) => `[${c}]`));
}

export type Row = Record<string, unknown>;

export async function queryRows(conn: DuckDBConnection, sql: string): Promise<Row[]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowObjectsJS() as Row[];
}

/** A finite JSON number, or null (NaN, infinities, missing). Integers arrive as bigint. */
export function toNumber(value: unknown): number | null {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return null;
}

/**
 * Parallel floating-point sums merge in scheduling order, so the last bits of a mean can
 * differ between runs: rounding to 12 significant digits keeps profile.json byte-identical.
 */
export function stable(value: unknown): number | null {
  const n = toNumber(value);
  return n === null ? null : Number(n.toPrecision(12));
}

export function toText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

const maxValueLength = 300;

/** Long texts are cut for the profile (it feeds prompts); the ellipsis marks the cut. */
export function clip(value: string | null): string | null {
  return value !== null && value.length > maxValueLength ? `${value.slice(0, maxValueLength)}…` : value;
}

const numericTypes =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;
const integerTypes =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;
const temporalTypes = /^(DATE|TIMESTAMP.*)$/;
const scalarTypes = /^(BOOLEAN|VARCHAR|TIME|TIME WITH TIME ZONE|INTERVAL|UUID)$/;

export const isNumericType = (type: string) => numericTypes.test(type);
export const isIntegerType = (type: string) => integerTypes.test(type);
export const isTemporalType = (type: string) => temporalTypes.test(type);
/** Types profiled as they are; anything else (STRUCT, LIST, MAP, BLOB, ...) is profiled as its text. */
export const isScalarType = (type: string) =>
  numericTypes.test(type) || temporalTypes.test(type) || scalarTypes.test(type);
