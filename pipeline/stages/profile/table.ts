import type { DuckDBConnection } from '@duckdb/node-api';
import { Rejection } from '../../errors.ts';
import {
  buildColumn,
  type ColumnPlan,
  firstPassExpressions,
  ident,
  type PassOptions,
  readFirstPass,
  type ValueCounts,
} from './columns.ts';
import { plausibleFormats } from './dates.ts';
import type { RawFile } from './files.ts';
import { headerWarnings } from './header.ts';
import { longFirstPass, longFormKind, longFormMinColumns } from './long.ts';
import type { TableProfile } from './schema.ts';
import { isScalarType, isTemporalType, queryRows, quoteLiteral, type Row, toNumber, toText } from './sql.ts';
import {
  approximateCounts,
  exactCounts,
  exactCountsLong,
  frequencies,
  secondScanExpressions,
} from './values.ts';

export interface ProfileSettings {
  preview_rows: number;
  top_values: number;
  max_columns: number;
  exact_max_bytes: number;
}

/** How to read one file: a DuckDB table expression, plus the same file as raw text for CSV. */
export interface TableSource {
  format: TableProfile['format'];
  reader: string;
  /** The file read with every column as text (CSV): previews and date formats see the raw cells. */
  rawReader: ((names: string[]) => string) | null;
  dialect: TableProfile['dialect'];
  warnings: string[];
  /** The header line's cells (text files), to explain names DuckDB changed. */
  headerCells?: string[];
}

const sampleRows = 1000;
/** Rows read for the preview at least: their first non-empty cells suggest date formats. */
const previewForFormats = 20;
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
  // Small files are materialised once and scanned many times; large ones are streamed twice.
  const kind = options.approximate ? 'VIEW' : 'TABLE';
  const relation = options.approximate ? 'profiled_view' : 'profiled_table';
  let plans: ColumnPlan[];
  if (source.rawReader !== null) {
    // Text files only hold scalar types: read as they are, then look at what came out.
    await conn.run(`CREATE OR REPLACE TEMP ${kind} ${relation} AS SELECT * FROM ${source.reader}`);
    plans = toPlans(await queryRows(conn, `DESCRIBE ${relation}`));
    if (plans.length > settings.max_columns) throw tooManyColumns(file, plans.length, settings);
  } else {
    plans = toPlans(await queryRows(conn, `DESCRIBE SELECT * FROM ${source.reader}`));
    if (plans.length > settings.max_columns) throw tooManyColumns(file, plans.length, settings);
    const projection = plans
      .map((p) => (p.type === p.physicalType ? ident(p) : `CAST(${ident(p)} AS VARCHAR) AS ${ident(p)}`))
      .join(', ');
    await conn.run(
      `CREATE OR REPLACE TEMP ${kind} ${relation} AS SELECT ${projection} FROM ${source.reader}`,
    );
  }
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE profiled_sample AS SELECT * FROM ${source.rawReader?.(plans.map((p) => p.name)) ?? relation} LIMIT ${sampleRows}`,
  );
  const warnings = [...source.warnings];
  if (source.headerCells)
    warnings.push(
      ...headerWarnings(
        source.headerCells,
        plans.map((p) => p.name),
      ),
    );
  const preview = await previewRows(conn, plans, Math.max(settings.preview_rows, previewForFormats));
  warnings.push(...(await detectDateFormats(conn, plans, preview, source.rawReader !== null)));

  const wide = plans.length >= longFormMinColumns;
  const longPlans = wide ? plans.filter((p) => longFormKind(p) !== null) : [];
  const widePlans = wide ? plans.filter((p) => longFormKind(p) === null) : plans;
  // First scan: the row count rides along with the first batch of column statistics.
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
  const firsts = plans.map((plan) => readFirstPass(plan, first));

  // Second scan: top-k recounts (large files) and the instants of time columns.
  const second: Row = {};
  for (const batch of batches(firsts, (f) => secondScanExpressions(f, options))) {
    const [row] = await queryRows(conn, `SELECT ${batch.expressions.join(', ')} FROM ${relation}`);
    Object.assign(second, row);
  }
  let counts: Map<number, ValueCounts>;
  if (options.approximate) counts = new Map(firsts.map((f) => [f.plan.index, approximateCounts(f, second)]));
  else if (wide) counts = await exactCountsLong(conn, relation, firsts, settings.top_values);
  else counts = await exactCounts(conn, relation, firsts, settings.top_values);
  const frequencyOf = await frequencies(conn, relation, firsts, second);

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
  };
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
  plans: ColumnPlan[],
  n: number,
): Promise<(string | null)[][]> {
  if (n === 0 || plans.length === 0) return [];
  const cells = plans.map((p) => `CAST(${ident(p)} AS VARCHAR) AS p${p.index}`).join(', ');
  const rows = await queryRows(conn, `SELECT ${cells} FROM profiled_sample LIMIT ${n}`);
  return rows.map((row) => plans.map((p) => toText(row[`p${p.index}`])));
}

/**
 * Finds, on the sample, the first strftime format that parses every non-empty cell of each
 * text column (and of typed date columns of text files, to record their format). One value
 * per column picks plausible formats; DuckDB's strptime checks them on the whole sample, and
 * the first scan confirms text candidates on the whole column.
 */
async function detectDateFormats(
  conn: DuckDBConnection,
  plans: ColumnPlan[],
  preview: (string | null)[][],
  textFile: boolean,
): Promise<string[]> {
  const text = (plan: ColumnPlan) => `CAST(${ident(plan)} AS VARCHAR)`;
  const candidates = plans.filter((p) => p.type === 'VARCHAR' || (textFile && isTemporalType(p.type)));
  const plausible = new Map<ColumnPlan, string[]>();
  const consider = (plan: ColumnPlan, value: string | null) => {
    const formats = value === null ? [] : plausibleFormats(value);
    if (formats.length > 0) plausible.set(plan, formats);
  };
  const unseen: ColumnPlan[] = [];
  for (const plan of candidates) {
    const value = preview.map((row) => row[plan.index]).find((v) => v !== null && v !== undefined);
    if (value === undefined || value === null) unseen.push(plan);
    else consider(plan, value);
  }
  for (const batch of batches(unseen, (p) => [`any_value(${text(p)}) AS s${p.index}`])) {
    const [row] = await queryRows(conn, `SELECT ${batch.expressions.join(', ')} FROM profiled_sample`);
    for (const plan of batch.items) consider(plan, toText(row?.[`s${plan.index}`]));
  }
  const expressions = (plan: ColumnPlan) => [
    `count(${text(plan)}) AS s${plan.index}_n`,
    ...(plausible.get(plan) ?? []).map(
      (f, j) => `count(try_strptime(${text(plan)}, ${quoteLiteral(f)})) AS s${plan.index}_f${j}`,
    ),
  ];
  const warnings: string[] = [];
  for (const batch of batches([...plausible.keys()], expressions)) {
    const [row] = await queryRows(conn, `SELECT ${batch.expressions.join(', ')} FROM profiled_sample`);
    for (const plan of batch.items) {
      const n = toNumber(row?.[`s${plan.index}_n`]) ?? 0;
      const formats = plausible.get(plan) ?? [];
      const matching = formats.filter((_, j) => n > 0 && toNumber(row?.[`s${plan.index}_f${j}`]) === n);
      plan.dateFormat = matching[0] ?? null;
      if (matching.length > 1) {
        warnings.push(
          `${plan.name}: date format is ambiguous on the sample (${matching.join(' or ')}); using ${matching[0]}`,
        );
      }
    }
  }
  return warnings;
}
