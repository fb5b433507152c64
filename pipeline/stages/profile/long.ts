import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnPlan, PassOptions } from './columns.ts';
import { isNumericType, queryRows, quoteIdent, type Row } from './sql.ts';

/**
 * Wide tables (hundreds or thousands of columns) are profiled in long form: the columns of
 * one kind are unpivoted into (name, value) and aggregated GROUP BY name, one statement per
 * kind, instead of one expression per column and statistic. Results are keyed exactly as
 * the wide expressions of columns.ts (`c<index>_<stat>`), so both paths read the same way.
 */
export const longFormMinColumns = 64;

type Kind = 'numeric' | 'text';

/** Columns the long form handles: plain numbers and text that is not a date candidate. */
export function longFormKind(plan: ColumnPlan): Kind | null {
  if (isNumericType(plan.type)) return 'numeric';
  if (plan.type === 'VARCHAR' && plan.dateFormat === null) return 'text';
  return null;
}

const firstPassAggregates: Record<Kind, (options: PassOptions) => string[]> = {
  numeric: (options) => [
    'count(v) AS nn',
    'approx_count_distinct(v) AS ad',
    'min(v) AS mn',
    'max(v) AS mx',
    // A large file gets these from a single-threaded scan (sequential.ts).
    ...(options.approximate
      ? []
      : ['avg(v) AS mean', 'stddev_samp(v) AS sd', 'quantile_cont(v, [0.25, 0.5, 0.75]) AS qs']),
  ],
  text: () => [
    'count(v) AS nn',
    'approx_count_distinct(v) AS ad',
    'min(v) AS mn',
    'max(v) AS mx',
    'avg(length(v)) AS len',
    "count_if(contains(v, ' ')) AS sp",
  ],
};

export async function longQuery(
  conn: DuckDBConnection,
  relation: string,
  plans: readonly ColumnPlan[],
  kind: Kind,
  aggregates: string[],
): Promise<Row> {
  if (plans.length === 0) return {};
  const cast = kind === 'numeric' ? 'DOUBLE' : 'VARCHAR';
  const projection = plans
    .map((p) => `CAST(${quoteIdent(p.name)} AS ${cast}) AS ${quoteIdent(p.name)}`)
    .join(', ');
  const rows = await queryRows(
    conn,
    `SELECT name, ${aggregates.join(', ')} FROM (UNPIVOT (SELECT ${projection} FROM ${relation}) ON COLUMNS(*) INTO NAME name VALUE v) GROUP BY name`,
  );
  const byName = new Map(plans.map((p) => [p.name, p]));
  const out: Row = {};
  for (const row of rows) {
    const plan = byName.get(String(row.name));
    if (!plan) continue;
    for (const [stat, value] of Object.entries(row))
      if (stat !== 'name') out[`c${plan.index}_${stat}`] = value;
  }
  return out;
}

export async function longFirstPass(
  conn: DuckDBConnection,
  relation: string,
  plans: readonly ColumnPlan[],
  options: PassOptions,
): Promise<Row> {
  const out: Row = {};
  for (const kind of ['numeric', 'text'] as const) {
    const ofKind = plans.filter((p) => longFormKind(p) === kind);
    const aggregates = firstPassAggregates[kind](options);
    Object.assign(out, await longQuery(conn, relation, ofKind, kind, aggregates));
  }
  // A column with no value at all has no group: it is all-null.
  for (const plan of plans) if (longFormKind(plan) !== null) out[`c${plan.index}_nn`] ??= 0n;
  return out;
}
