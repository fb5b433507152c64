import type { DuckDBConnection } from '@duckdb/node-api';
import { Rejection } from '../../errors.ts';
import { checkInflatedSize } from '../../tables/reader.ts';
import { formatOf, type RawFile } from './files.ts';
import { profileFile, readableFormats } from './readers.ts';
import type { Profile, TableProfile } from './schema.ts';
import type { ProfileSettings } from './table.ts';

/** A file left out; `bytes` is -1 for files that are not tabular at all. */
interface Skipped {
  file: string;
  code: string;
  detail: string;
  bytes: number;
}

const skipReasons: Partial<Record<TableProfile['format'], [string, string]>> = {
  sqlite: ['sqlite_unsupported', 'SQLite databases are not profiled yet'],
  xlsx: ['unsupported_format', 'spreadsheets are not profiled; export them to CSV'],
  other: ['not_tabular', 'not a tabular file type (csv, tsv, json, parquet)'],
};

/**
 * Profiles every tabular file of a dataset. A file that cannot be profiled is listed with
 * its reason; the dataset is rejected only when no table is left.
 */
export async function profileDataset(
  conn: DuckDBConnection,
  dataset: string,
  files: readonly RawFile[],
  settings: ProfileSettings & { max_file_bytes: number; max_inflation_ratio: number },
): Promise<Profile> {
  const tables: TableProfile[] = [];
  const skipped: Skipped[] = [];
  for (const file of files) {
    const format = formatOf(file.name);
    const skip = skipReasons[format];
    if (skip || !readableFormats.includes(format)) {
      const [code, why] = skip ?? ['not_tabular', 'not a tabular file type'];
      skipped.push({ file: file.name, code, detail: why, bytes: -1 });
      continue;
    }
    if (file.bytes > settings.max_file_bytes) {
      const why = `${file.bytes} bytes, more than profile.max_file_bytes (${settings.max_file_bytes})`;
      skipped.push({ file: file.name, code: 'file_too_large', detail: why, bytes: file.bytes });
      continue;
    }
    try {
      await checkInflatedSize(file.path, file.name, inflatedCap(file.bytes, settings), inflatedSetting);
      tables.push(await profileFile(conn, file, format, settings));
    } catch (error) {
      if (!(error instanceof Rejection)) throw error;
      skipped.push({ file: file.name, code: error.reason, detail: error.message, bytes: file.bytes });
    }
  }
  const skippedFiles = skipped.map((s) => ({ file: s.file, reason: `${s.code}: ${s.detail}` }));
  const main = chooseMainTable(tables);
  if (!main) throw noTableLeft(files, skipped);
  return { dataset, tables, main_table: main, skipped_files: skippedFiles };
}

function noTableLeft(files: readonly RawFile[], skipped: Skipped[]): Rejection {
  if (files.length === 0) return new Rejection('no_tabular_file', 'the dataset has no files');
  const tabular = skipped.filter((s) => s.bytes >= 0);
  const list = skipped.map((s) => `${s.file} (${s.code}: ${s.detail})`).join('; ');
  if (tabular.length === 0) return new Rejection('no_tabular_file', `no tabular file among: ${list}`);
  // The largest tabular file speaks for the dataset.
  const worst = [...tabular].sort((a, b) => b.bytes - a.bytes || (a.file < b.file ? -1 : 1))[0] as Skipped;
  return new Rejection(worst.code, tabular.length === 1 ? worst.detail : list);
}

const submissionName = /(^|[/_-])(sample_?)?submission/i;
const trainName = /(^|[/_.-])train(ing)?([/_.-]|$)/i;

/**
 * The table tasks are built from: never a submission template; a file named as the
 * training split when there is one; otherwise the largest by cells (rows x columns).
 */
export function chooseMainTable(tables: readonly TableProfile[]): Profile['main_table'] | null {
  if (tables.length === 0) return null;
  if (tables.length === 1) return { file: (tables[0] as TableProfile).file, reason: 'the only tabular file' };
  const eligible = tables.filter((t) => !submissionName.test(t.file));
  const pool = eligible.length > 0 ? eligible : [...tables];
  const cells = (t: TableProfile) => t.rows * t.column_count;
  const byCells = [...pool].sort((a, b) => cells(b) - cells(a) || (a.file < b.file ? -1 : 1));
  const train = byCells.find((t) => trainName.test(t.file));
  if (train) return { file: train.file, reason: `named as the training split among ${tables.length} tables` };
  const best = byCells[0] as TableProfile;
  return {
    file: best.file,
    reason: `the largest of ${tables.length} tables by cells (${best.rows} rows x ${best.column_count} columns)`,
  };
}

/** Below this, any inflation is allowed (small files of repeated values compress very well). */
const inflationFloor = 64 * 1024 ** 2;
export const inflatedSetting = 'profile.max_file_bytes or profile.max_inflation_ratio times its gzip size';

/** The most a gzipped file of `bytes` may inflate to. */
export function inflatedCap(
  bytes: number,
  settings: { max_file_bytes: number; max_inflation_ratio: number },
) {
  return Math.min(settings.max_file_bytes, Math.max(inflationFloor, bytes * settings.max_inflation_ratio));
}
