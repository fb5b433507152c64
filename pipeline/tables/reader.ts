import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { Rejection } from '../errors.ts';
import { quoteLiteral, quotePath } from '../stages/profile/sql.ts';

/**
 * One reader decides what a table is, for every stage: profile records the dialect it read a
 * CSV with (delimiter, quote, escape, encoding; a header line; short rows padded with
 * missing values), and draft and build read the file through the same relation, so a table
 * profile accepts is one build can read, cell for cell.
 */
export interface CsvDialect {
  delimiter: string;
  quote: string;
  escape: string;
  header: boolean;
  encoding: string;
}

/** The dialect arguments of read_csv, every value quoted (a dialect may come from a file). */
export function csvDialectArguments(dialect: CsvDialect): string[] {
  const args = [
    'header = true',
    'null_padding = true',
    `delim = ${quoteLiteral(dialect.delimiter)}`,
    `quote = ${quoteLiteral(dialect.quote)}`,
    `escape = ${quoteLiteral(dialect.escape)}`,
  ];
  if (dialect.encoding === 'latin-1') args.push("encoding = 'latin-1'");
  return args;
}

/** read_csv over `path` with `dialect`, every cell as written (text). */
export function csvTextReader(path: string, dialect: CsvDialect): string {
  return `read_csv(${quotePath(path)}, all_varchar = true, ${csvDialectArguments(dialect).join(', ')})`;
}

export type TableKind = 'csv' | 'parquet';

/** How a file name says it is stored: csv/tsv/txt (optionally gzipped), parquet, or neither. */
export function tableKindOf(path: string): TableKind | null {
  if (/\.(csv|tsv|tab|txt)(\.gz)?$/i.test(path)) return 'csv';
  if (/\.(parquet|pq)$/i.test(path)) return 'parquet';
  return null;
}

/**
 * Bytes of `path` after gunzip, counted by streaming and stopped at `cap` (a few kilobytes
 * of gzip can inflate to gigabytes): the count, or null when it passes the cap.
 */
export async function inflatedBytesWithin(path: string, cap: number): Promise<number | null> {
  const gunzip = createGunzip();
  const input = createReadStream(path);
  let total = 0;
  try {
    for await (const chunk of input.pipe(gunzip)) {
      total += (chunk as Buffer).length;
      if (total > cap) return null;
    }
    return total;
  } catch (error) {
    throw new Rejection(
      'unreadable_table',
      `${path} is not valid gzip: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    input.destroy();
    gunzip.destroy();
  }
}

/** Rejects a gzipped file whose inflated size passes `cap` (`setting` names the limit). */
export async function checkInflatedSize(
  path: string,
  name: string,
  cap: number,
  setting: string,
): Promise<void> {
  if (!/\.gz$/i.test(path)) return;
  const inflated = await inflatedBytesWithin(path, cap);
  if (inflated === null) {
    throw new Rejection(
      'inflated_too_large',
      `${name} inflates to more than ${setting} (${cap} bytes) once gunzipped; raise it to read this file`,
    );
  }
}
