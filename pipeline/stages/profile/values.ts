import type { DuckDBConnection } from '@duckdb/node-api';
import {
  alias,
  type FirstPass,
  ident,
  instantExpression,
  instantsMaxDistinct,
  type ValueCounts,
} from './columns.ts';
import { type Frequency, frequencyFromStep, inferFrequency } from './dates.ts';
import { queryRows, type Row, toNumber, toText } from './sql.ts';

/** Statements of at most this many per-column subqueries. */
const columnsPerStatement = 25;

/** Large files: columns estimated to hold at most this many values get them counted exactly. */
const groupedMaxDistinct = 1_000_000;
/** Time columns are grouped up to this many instants, to find their most common step. */
const groupedMaxInstants = 2_000_000;

/**
 * Small-domain columns of a large file, counted exactly in one scan: one grouping set per
 * column, ranked inside DuckDB so only the top k values (and the instants of time columns)
 * come back. Other columns keep estimated distinct counts and no top values.
 */
export async function groupedCounts(
  conn: DuckDBConnection,
  relation: string,
  firsts: readonly FirstPass[],
  k: number,
): Promise<{
  counts: Map<number, ValueCounts>;
  instants: Map<number, number[]>;
  steps: Map<number, Frequency>;
}> {
  const counts = new Map<number, ValueCounts>();
  const instants = new Map<number, number[]>();
  const steps = new Map<number, Frequency>();
  const limit = (f: FirstPass) => (f.isDatetime ? groupedMaxInstants : groupedMaxDistinct);
  const grouped = firsts.filter((f) => f.nonNull > 0 && f.approxDistinct <= limit(f));
  for (const first of firsts) {
    const exact = grouped.includes(first) || first.nonNull === 0;
    counts.set(first.plan.index, {
      distinct: first.nonNull === 0 ? 0 : first.approxDistinct,
      distinctExact: exact,
      top: [],
      topOmitted: !exact,
    });
  }
  if (grouped.length === 0) return { counts, instants, steps };
  const pick = (value: (f: FirstPass) => string) =>
    `CASE ${grouped.map((f) => `WHEN GROUPING(${ident(f.plan)}) = 0 THEN ${value(f)}`).join(' ')} END`;
  const times = grouped.filter((f) => f.isDatetime);
  // Few instants come back whole (month steps are found in JS); many are reduced to their most common step.
  const fewTimes = times.filter((f) => f.approxDistinct <= instantsMaxDistinct).map((f) => f.plan.index);
  const manyTimes = times.filter((f) => f.approxDistinct > instantsMaxDistinct).map((f) => f.plan.index);
  const ms =
    times.length > 0 ? pick((f) => (f.isDatetime ? `epoch_ms(${instantExpression(f)})` : 'NULL')) : 'NULL';
  const sets = grouped.map((f) => `(${ident(f.plan)})`).join(', ');
  const g = `SELECT ${pick((f) => String(f.plan.index))} AS col, ${pick((f) => `CAST(${ident(f.plan)} AS VARCHAR)`)} AS value, ${ms} AS ms, count(*) AS n FROM ${relation} GROUP BY GROUPING SETS (${sets})`;
  const ranked = `SELECT col, value, ms, n, count(*) OVER (PARTITION BY col) AS d, row_number() OVER (PARTITION BY col ORDER BY n DESC, value) AS r FROM g WHERE value IS NOT NULL`;
  const top = `r <= ${Math.max(k, 1)}${fewTimes.length > 0 ? ` OR col IN (${fewTimes.join(', ')})` : ''}`;
  let sql = `WITH g AS MATERIALIZED (${g}), ranked AS (${ranked}) SELECT col, value, ms, n, d, r, NULL::BIGINT AS step, NULL::BIGINT AS total FROM ranked WHERE ${top}`;
  if (manyTimes.length > 0) {
    const distinct = `SELECT DISTINCT col, ms FROM g WHERE col IN (${manyTimes.join(', ')}) AND ms IS NOT NULL`;
    const gaps = `SELECT col, ms - lag(ms) OVER (PARTITION BY col ORDER BY ms) AS step FROM (${distinct})`;
    const modes = `SELECT col, step, count(*) AS c, sum(count(*)) OVER (PARTITION BY col) AS total, row_number() OVER (PARTITION BY col ORDER BY count(*) DESC, step) AS rr FROM (${gaps}) WHERE step IS NOT NULL GROUP BY col, step`;
    sql += ` UNION ALL SELECT col, NULL, NULL, c, NULL, NULL, step, CAST(total AS BIGINT) FROM (${modes}) WHERE rr = 1`;
  }
  for (const row of await queryRows(conn, sql)) {
    const index = toNumber(row.col);
    const entry = index === null ? undefined : counts.get(index);
    if (index === null || !entry) continue;
    const step = toNumber(row.step);
    if (step !== null) {
      steps.set(index, frequencyFromStep(step, toNumber(row.n) ?? 0, toNumber(row.total) ?? 0));
      continue;
    }
    entry.distinct = toNumber(row.d) ?? 0;
    if ((toNumber(row.r) ?? 0) <= k)
      entry.top.push({ value: toText(row.value) ?? '', count: toNumber(row.n) ?? 0 });
    const instant = toNumber(row.ms);
    if (instant !== null && fewTimes.includes(index)) {
      const list = instants.get(index) ?? [];
      list.push(instant);
      instants.set(index, list);
    }
  }
  return { counts, instants, steps };
}

/** The distinct instants of time columns of a materialised table, when few enough. */
export function instantExpressions(first: FirstPass): string[] {
  return first.isDatetime && first.approxDistinct <= instantsMaxDistinct
    ? [`list(DISTINCT epoch_ms(${instantExpression(first)})) AS ${alias(first.plan, 'dl')}`]
    : [];
}

/** Every column starts at zero, so a column with only missing values still gets an entry. */
function emptyCounts(firsts: readonly FirstPass[]): Map<number, ValueCounts> {
  return new Map(
    firsts.map((first) => [
      first.plan.index,
      { distinct: 0, distinctExact: true, top: [], topOmitted: false },
    ]),
  );
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
  const out = emptyCounts(firsts);
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
  const out = emptyCounts(firsts);
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
  known: Map<number, number[]> = new Map(),
): Promise<Map<number, Frequency>> {
  const out = new Map<number, Frequency>();
  for (const first of firsts.filter((f) => f.isDatetime)) {
    const instants = known.get(first.plan.index) ?? second[alias(first.plan, 'dl')];
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
