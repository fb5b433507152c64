import type { DuckDBConnection } from '@duckdb/node-api';
import {
  alias,
  candidates,
  type FirstPass,
  ident,
  instantExpression,
  instantsMaxDistinct,
  type PassOptions,
  type ValueCounts,
} from './columns.ts';
import { type Frequency, frequencyFromStep, inferFrequency } from './dates.ts';
import { queryRows, quoteLiteral, type Row, toNumber, toText } from './sql.ts';

/** Large files: columns estimated to hold at most this many values get them counted exactly. */
const exactDistinctMax = 100_000;
const typeName = /^[A-Z][A-Z0-9_ ]*(\(\d+(, ?\d+)?\))?$/;

/** Statements of at most this many per-column subqueries. */
const columnsPerStatement = 25;

/**
 * The second scan, shared by whatever needs one: exact counts of the approximate top-k
 * candidates (large files) and the distinct instants of time columns.
 */
export function secondScanExpressions(first: FirstPass, options: PassOptions): string[] {
  const q = ident(first.plan);
  const out: string[] = [];
  if (options.approximate && first.approxDistinct <= first.nonNull / 2) {
    // Compared as typed values: the candidate is cast once, not every row.
    const typed = typeName.test(first.plan.type);
    candidates(first).forEach((value, j) => {
      const test = typed
        ? `${q} = TRY_CAST(${quoteLiteral(value)} AS ${first.plan.type})`
        : `CAST(${q} AS VARCHAR) = ${quoteLiteral(value)}`;
      out.push(`count_if(${test}) AS ${alias(first.plan, `t${j}`)}`);
    });
  }
  if (options.approximate && first.approxDistinct <= exactDistinctMax) {
    out.push(`count(DISTINCT ${q}) AS ${alias(first.plan, 'ed')}`);
  }
  if (first.isDatetime && first.approxDistinct <= instantsMaxDistinct) {
    out.push(`list(DISTINCT epoch_ms(${instantExpression(first)})) AS ${alias(first.plan, 'dl')}`);
  }
  return out;
}

/** Value counts of a large file: small domains counted exactly, others estimated; top values recounted. */
export function approximateCounts(first: FirstPass, second: Row): ValueCounts {
  const recount = first.approxDistinct <= first.nonNull / 2;
  const top = recount
    ? candidates(first).map((value, j) => ({
        value,
        count: toNumber(second[alias(first.plan, `t${j}`)]) ?? 0,
      }))
    : [];
  const exact = toNumber(second[alias(first.plan, 'ed')]);
  return {
    distinct: exact ?? first.approxDistinct,
    distinctExact: exact !== null,
    top,
    topOmitted: !recount && first.nonNull > 0,
  };
}

/**
 * Exact distinct counts and top values of a materialised table: one GROUP BY per column
 * (the top k taken inside DuckDB), many columns per statement.
 */
export async function exactCounts(
  conn: DuckDBConnection,
  relation: string,
  firsts: readonly FirstPass[],
  k: number,
): Promise<Map<number, ValueCounts>> {
  const out = new Map<number, ValueCounts>();
  for (const first of firsts)
    out.set(first.plan.index, { distinct: 0, distinctExact: true, top: [], topOmitted: false });
  const limit = Math.max(k, 1);
  for (let start = 0; start < firsts.length; start += columnsPerStatement) {
    const parts = firsts.slice(start, start + columnsPerStatement).map((first) => {
      const q = ident(first.plan);
      const grouped = `SELECT ${q} AS v, count(*) AS n FROM ${relation} WHERE ${q} IS NOT NULL GROUP BY 1`;
      const ranked = `SELECT v, n, count(*) OVER () AS d FROM (${grouped}) ORDER BY n DESC, v LIMIT ${limit}`;
      return `(SELECT ${first.plan.index} AS col, CAST(v AS VARCHAR) AS value, n, d FROM (${ranked}))`;
    });
    for (const row of await queryRows(conn, parts.join(' UNION ALL ')))
      collect(out, toNumber(row.col), row, k);
  }
  return out;
}

/** The same for a wide table, in long form: unpivoted, grouped by (column, value). */
export async function exactCountsLong(
  conn: DuckDBConnection,
  relation: string,
  firsts: readonly FirstPass[],
  k: number,
): Promise<Map<number, ValueCounts>> {
  const out = new Map<number, ValueCounts>();
  for (const first of firsts)
    out.set(first.plan.index, { distinct: 0, distinctExact: true, top: [], topOmitted: false });
  if (firsts.length === 0) return out;
  const byName = new Map(firsts.map((f) => [f.plan.name, f.plan.index]));
  const projection = firsts.map((f) => `CAST(${ident(f.plan)} AS VARCHAR) AS ${ident(f.plan)}`).join(', ');
  const long = `UNPIVOT (SELECT ${projection} FROM ${relation}) ON COLUMNS(*) INTO NAME name VALUE v`;
  const grouped = `SELECT name, v, count(*) AS n FROM (${long}) GROUP BY name, v`;
  const ranked = `SELECT name, v, n, count(*) OVER (PARTITION BY name) AS d, row_number() OVER (PARTITION BY name ORDER BY n DESC, v) AS r FROM (${grouped})`;
  const rows = await queryRows(
    conn,
    `SELECT name, v AS value, n, d FROM (${ranked}) WHERE r <= ${Math.max(k, 1)}`,
  );
  for (const row of rows) collect(out, byName.get(String(row.name)) ?? null, row, k);
  return out;
}

function collect(out: Map<number, ValueCounts>, index: number | null, row: Row, k: number): void {
  const counts = index === null ? undefined : out.get(index);
  if (!counts) return;
  counts.distinct = toNumber(row.d) ?? 0;
  if (counts.top.length < k) counts.top.push({ value: toText(row.value) ?? '', count: toNumber(row.n) ?? 0 });
}

/**
 * Frequencies of time columns: from their distinct instants when few enough (read by the
 * second scan), else from the most common step, counted in SQL.
 */
export async function frequencies(
  conn: DuckDBConnection,
  relation: string,
  firsts: readonly FirstPass[],
  second: Row,
): Promise<Map<number, Frequency>> {
  const out = new Map<number, Frequency>();
  for (const first of firsts.filter((f) => f.isDatetime)) {
    const instants = second[alias(first.plan, 'dl')];
    if (Array.isArray(instants)) {
      out.set(
        first.plan.index,
        inferFrequency(instants.map(toNumber).filter((n): n is number => n !== null)),
      );
      continue;
    }
    const ms = `epoch_ms(${instantExpression(first)})`;
    const distinct = `SELECT DISTINCT ${ms} AS ms FROM ${relation} WHERE ${ms} IS NOT NULL`;
    const steps = `SELECT ms - lag(ms) OVER (ORDER BY ms) AS step FROM (${distinct})`;
    const [row] = await queryRows(
      conn,
      `SELECT step, count(*) AS n, sum(count(*)) OVER () AS total FROM (${steps}) WHERE step IS NOT NULL GROUP BY step ORDER BY n DESC, step LIMIT 1`,
    );
    out.set(
      first.plan.index,
      frequencyFromStep(toNumber(row?.step) ?? 0, toNumber(row?.n) ?? 0, toNumber(row?.total) ?? 0),
    );
  }
  return out;
}
