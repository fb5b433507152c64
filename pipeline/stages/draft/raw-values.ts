import { join } from 'node:path';
import type { Context } from '../../context.ts';
import type { DatasetId } from '../../ids.ts';
import { csvTextReader } from '../../tables/reader.ts';
import type { ColumnProfile, TableProfile } from '../profile/schema.ts';
import { queryRows, quoteIdent } from '../profile/sql.ts';

/** Raw values fetched per column: the lowest and highest this many distinct strings. */
const perEnd = 500;

/**
 * A typed date column's values in profile.json are DuckDB's rendering (ISO), while a time
 * format must describe the text as written in the file (pandas parses the file). So for typed
 * date-like columns of a CSV, read the cells as text again: the extreme distinct values in
 * sort order, which covers every shape the column takes at both ends.
 */
export async function rawTimeValues(
  ctx: Context,
  id: DatasetId,
  table: TableProfile,
): Promise<Map<string, string[]>> {
  const values = new Map<string, string[]>();
  if ((table.format !== 'csv' && table.format !== 'tsv') || !table.dialect) return values;
  const columns = table.columns.filter(needsRawValues);
  if (columns.length === 0) return values;
  const reader = csvTextReader(join(ctx.paths.rawFilesDir(id), table.file), table.dialect);
  const conn = await (await ctx.duckdb()).connect();
  try {
    for (const column of columns) {
      const name = quoteIdent(column.name);
      const distinct = `SELECT DISTINCT ${name} AS v FROM ${reader} WHERE ${name} IS NOT NULL AND ${name} <> ''`;
      const rows = await queryRows(
        conn,
        `(SELECT v FROM (${distinct}) ORDER BY v LIMIT ${perEnd}) UNION (SELECT v FROM (${distinct}) ORDER BY v DESC LIMIT ${perEnd}) ORDER BY v`,
      );
      values.set(
        column.name,
        rows.flatMap((row) => (typeof row.v === 'string' ? [row.v] : [])),
      );
    }
  } catch (error) {
    // A file the simple reader cannot parse keeps the profile's samples; the profile read it.
    ctx.logger.debug(
      `draft ${id}: raw time values unavailable (${error instanceof Error ? error.message : String(error)})`,
    );
    values.clear();
  } finally {
    conn.closeSync();
  }
  return values;
}

function needsRawValues(column: ColumnProfile): boolean {
  const dateLike =
    column.datetime !== null ||
    column.semantic_type === 'datetime' ||
    /DATE|TIME/i.test(column.physical_type);
  return dateLike && !/^VARCHAR/i.test(column.physical_type);
}
