import type { DuckDBConnection } from '@duckdb/node-api';
import { Rejection } from '../../errors.ts';
import { fittingFormats } from '../../util/strftime.ts';
import {
  buildColumn,
  type ColumnPlan,
  firstPassExpressions,
  ident,
  type PassOptions,
  readFirstPass,
  type ValueCounts,
} from './columns.ts';
import type { Frequency } from './dates.ts';
import type { RawFile } from './files.ts';
import { headerWarnings } from './header.ts';
import { longFirstPass, longFormKind, longFormMinColumns } from './long.ts';
import type { TableProfile } from './schema.ts';
import { sequentialNumericStats } from './sequential.ts';
import { isIntegerType, isScalarType, isTemporalType, queryRows, type Row, toNumber, toText } from './sql.ts';
import { exactCounts, exactCountsLong, frequencies, groupedCounts, instantExpressions } from './values.ts';

export interface ProfileSettings {
  preview_rows: number;
  top_values: number;
  max_columns: number;
  exact_max_bytes: number;
  /** DuckDB's memory limit, also for the single-threaded scan of a large file. */
  memory_limit?: string;
}

/** How to read one file: a DuckDB table expression, plus the same file as raw text for CSV. */
export interface TableSource {
  format: TableProfile['format'];
  reader: string;
  /** Text files: the first rows' raw cells (null for an empty field), read in JavaScript. */
  rawRows: (string | null)[][] | null;
  dialect: TableProfile['dialect'];
  warnings: string[];
  /** The header line's cells (text files), to explain names DuckDB changed. */
  headerCells?: string[];
}

/** Rows read for the preview at least: their cells suggest date formats. */
export const previewForFormats = 20;
const maxExpressionsPerQuery = 1500;

/** Profiles one readable table; throws Rejection for tables that are empty or too wide. */
export async function profileRelation(
  conn: DuckDBConnection,
  file: RawFile,
  source: TableSource,
  settings: ProfileSettings,
): Promise<TableProfile> {
  const options: PassOptions = {
    approximate: file.bytes > settings.exact_max_bytes,
    topValues: settings.top_values,
  };
  const { plans, select, relation } = await createRelation(conn, file, source, settings, options);
  const warnings = [...source.warnings];
  if (source.headerCells)
    warnings.push(
      ...headerWarnings(
        source.headerCells,
        plans.map((p) => p.name),
      ),
    );
  const preview = source.rawRows
    ? source.rawRows.map((row) => plans.map((p) => row[p.index] ?? null))
    : await previewRows(conn, relation, plans, previewForFormats);
  // The formats guessed here are what the first scan then confirms on the whole column.
  warnings.push(...detectDateFormats(plans, preview, source.rawRows !== null));
  const scan = { conn, relation, options, settings };
  const { rows, firsts, wide } = await firstScan(scan, file, plans, select);
  const { counts, frequencyOf } = await secondScan(scan, firsts, wide);
  const columns = [];
  for (const f of firsts) {
    const valueCounts = counts.get(f.plan.index) ?? {
      distinct: 0,
      distinctExact: true,
      top: [],
      topOmitted: false,
    };
    const result = buildColumn(f, valueCounts, frequencyOf.get(f.plan.index) ?? null, rows, options);
    columns.push(result.profile);
    warnings.push(...result.warnings);
  }
  return {
    file: file.name,
    format: source.format,
    bytes: file.bytes,
    rows,
    column_count: columns.length,
    dialect: source.dialect,
    columns,
    preview: preview.slice(0, settings.preview_rows),
    warnings,
    unmatched_time_columns: unmatchedTimeColumns(columns, preview),
  };
}

/** The profiled relation and its column plans; a table wider than profile.max_columns is rejected. */
async function createRelation(
  conn: DuckDBConnection,
  file: RawFile,
  source: TableSource,
  settings: ProfileSettings,
  options: PassOptions,
): Promise<{ plans: ColumnPlan[]; select: string; relation: string }> {
  // Small files are materialised once and scanned many times; large ones are streamed twice.
  const kind = options.approximate ? 'VIEW' : 'TABLE';
  const relation = options.approximate ? 'profiled_view' : 'profiled_table';
  if (source.rawRows !== null) {
    // Text files only hold scalar types: read as they are, then look at what came out.
    const select = `SELECT * FROM ${source.reader}`;
    await conn.run(`CREATE OR REPLACE TEMP ${kind} ${relation} AS ${select}`);
    const plans = toPlans(await queryRows(conn, `DESCRIBE ${relation}`));
    if (plans.length > settings.max_columns) throw tooManyColumns(file, plans.length, settings);
    return { plans, select, relation };
  }
  const plans = toPlans(await queryRows(conn, `DESCRIBE SELECT * FROM ${source.reader}`));
  if (plans.length > settings.max_columns) throw tooManyColumns(file, plans.length, settings);
  const projection = plans
    .map((p) => (p.type === p.physicalType ? ident(p) : `CAST(${ident(p)} AS VARCHAR) AS ${ident(p)}`))
    .join(', ');
  const select = `SELECT ${projection} FROM ${source.reader}`;
  await conn.run(`CREATE OR REPLACE TEMP ${kind} ${relation} AS ${select}`);
  return { plans, select, relation };
}

interface Scan {
  conn: DuckDBConnection;
  relation: string;
  options: PassOptions;
  settings: ProfileSettings;
}

/**
 * First scan: the row count rides along with the first batch of column statistics; a wide
 * table's long-form columns (x1..x500) are summarised together; an empty table is rejected.
 */
async function firstScan(
  { conn, relation, options, settings }: Scan,
  file: RawFile,
  plans: ColumnPlan[],
  select: string,
) {
  const wide = plans.length >= longFormMinColumns;
  const longPlans = wide ? plans.filter((p) => longFormKind(p) !== null) : [];
  const widePlans = wide ? plans.filter((p) => longFormKind(p) === null) : plans;
  const first: Row = {};
  const firstBatches = batches(widePlans, (p) => firstPassExpressions(p, options));
  if (firstBatches.length === 0) firstBatches.push({ items: [], expressions: [] });
  for (const [i, batch] of firstBatches.entries()) {
    const expressions = i === 0 ? ['count(*) AS total', ...batch.expressions] : batch.expressions;
    const [row] = await queryRows(conn, `SELECT ${expressions.join(', ')} FROM ${relation}`);
    Object.assign(first, row);
  }
  const rows = toNumber(first.total) ?? 0;
  if (rows === 0) throw new Rejection('no_rows', `${file.name} has a header but no data rows`);
  Object.assign(first, await longFirstPass(conn, relation, longPlans, options));
  if (options.approximate) Object.assign(first, await sequentialNumericStats(select, plans, settings));
  return { rows, wide, firsts: plans.map((plan) => readFirstPass(plan, first)) };
}

/** Second scan: value counts (exact, or of the small-domain columns of a large file) and time steps. */
async function secondScan(
  { conn, relation, options, settings }: Scan,
  firsts: ReturnType<typeof readFirstPass>[],
  wide: boolean,
): Promise<{ counts: Map<number, ValueCounts>; frequencyOf: Map<number, Frequency> }> {
  let counts: Map<number, ValueCounts>;
  let instants = new Map<number, number[]>();
  let steps = new Map<number, Frequency>();
  const second: Row = {};
  if (options.approximate) {
    ({ counts, instants, steps } = await groupedCounts(conn, relation, firsts, settings.top_values));
  } else {
    for (const batch of batches(firsts, instantExpressions)) {
      const [row] = await queryRows(conn, `SELECT ${batch.expressions.join(', ')} FROM ${relation}`);
      Object.assign(second, row);
    }
    counts = wide
      ? await exactCountsLong(conn, relation, firsts, settings.top_values)
      : await exactCounts(conn, relation, firsts, settings.top_values);
  }
  const unknown = firsts.filter((f) => !steps.has(f.plan.index));
  const frequencyOf = new Map([...(await frequencies(conn, relation, unknown, second, instants)), ...steps]);
  return { counts, frequencyOf };
}

/** Groups items into queries of bounded size, so a 5,000-column table is not one giant statement. */
function batches<T>(
  items: readonly T[],
  expressions: (item: T) => string[],
): { items: T[]; expressions: string[] }[] {
  const out: { items: T[]; expressions: string[] }[] = [];
  let current: { items: T[]; expressions: string[] } = { items: [], expressions: [] };
  for (const item of items) {
    const more = expressions(item);
    if (current.expressions.length > 0 && current.expressions.length + more.length > maxExpressionsPerQuery) {
      out.push(current);
      current = { items: [], expressions: [] };
    }
    current.items.push(item);
    current.expressions.push(...more);
  }
  if (current.items.length > 0 && current.expressions.length > 0) out.push(current);
  return out;
}

function toPlans(described: Row[]): ColumnPlan[] {
  return described.map((row, index) => {
    const physicalType = String(row.column_type);
    const type = isScalarType(physicalType) ? physicalType : 'VARCHAR';
    return { index, name: String(row.column_name), physicalType, type, dateFormat: null };
  });
}

function tooManyColumns(file: RawFile, count: number, settings: ProfileSettings): Rejection {
  return new Rejection(
    'too_many_columns',
    `${file.name} has ${count} columns, more than profile.max_columns (${settings.max_columns}); raise it to profile this table`,
  );
}

async function previewRows(
  conn: DuckDBConnection,
  relation: string,
  plans: ColumnPlan[],
  n: number,
): Promise<(string | null)[][]> {
  if (plans.length === 0) return [];
  const cells = plans.map((p) => `CAST(${ident(p)} AS VARCHAR) AS p${p.index}`).join(', ');
  const rows = await queryRows(conn, `SELECT ${cells} FROM ${relation} LIMIT ${n}`);
  return rows.map((row) => plans.map((p) => toText(row[`p${p.index}`])));
}

/**
 * Guesses, from the first rows, the strftime format of each text column (and of typed date
 * columns of text files, to record how they are written): the first format that every
 * value fits. The first scan then confirms text candidates on the whole column.
 */
function detectDateFormats(plans: ColumnPlan[], preview: (string | null)[][], textFile: boolean): string[] {
  const warnings: string[] = [];
  for (const plan of plans) {
    const values = preview.map((row) => row[plan.index]).filter((v): v is string => v != null && v !== '');
    if (textFile && isIntegerType(plan.type)) {
      plan.dateFormat = integerDateFormat(values);
      continue;
    }
    if (!(plan.type === 'VARCHAR' || (textFile && isTemporalType(plan.type)))) continue;
    const matching = fittingFormats(values);
    plan.dateFormat = matching[0] ?? null;
    if (matching.length > 1) {
      warnings.push(
        `${plan.name}: date format is ambiguous on the first rows (${matching.join(' or ')}); using ${matching[0]}`,
      );
    }
  }
  return warnings;
}

/**
 * `%Y%m%d` for an integer column whose first values are all eight-digit dates of years
 * 1800-2199 (20190701): digits-only dates, told from plain numbers by that shape alone.
 */
function integerDateFormat(values: readonly string[]): string | null {
  if (values.length < 2 || !values.every((value) => /^(18|19|20|21)\d{6}$/.test(value))) return null;
  return fittingFormats(values, ['%Y%m%d'])[0] ?? null;
}

/** Names and values that suggest time, for columns no format fits. */
const timeLikeName = /(date|time|timestamp|datetime|period|month|quarter)/i;
const monthWord =
  /\b(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t|tember)?|oct(ober)?|nov(ember)?|dec(ember)?)\b/i;
/** Short values shaped like a date or a clock time: 2019-07, 7/1/19, 14:30, 1 July 2019. */
const looksLikeTime = (value: string) =>
  value.length <= 40 &&
  /\d/.test(value) &&
  (/^\d{1,4}[-/.]\d{1,2}([-/.]\d{1,4})?/.test(value) || /\d{1,2}:\d{2}/.test(value) || monthWord.test(value));

/**
 * Text columns that look like times (by name, or most first values shaped like dates) but
 * that no known format parses: named in the profile so a missed format is seen, not lost.
 */
export function unmatchedTimeColumns(
  columns: TableProfile['columns'],
  preview: (string | null)[][],
): { column: string; examples: string[] }[] {
  const out: { column: string; examples: string[] }[] = [];
  columns.forEach((column, index) => {
    if (column.datetime !== null || column.physical_type !== 'VARCHAR') return;
    const values = preview.map((row) => row[index]).filter((v): v is string => v != null && v !== '');
    if (values.length === 0) return;
    const shaped = values.filter(looksLikeTime).length;
    if (!timeLikeName.test(column.name) && shaped * 2 < values.length) return;
    out.push({ column: column.name, examples: [...new Set(values)].slice(0, 3) });
  });
  return out;
}
