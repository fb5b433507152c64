import type { DuckDBInstance } from '@duckdb/node-api';
import { alias, type ColumnPlan, ident } from './columns.ts';
import { longQuery } from './long.ts';
import { isNumericType, queryRows, type Row } from './sql.ts';

/**
 * Statistics whose result depends on the order rows are folded in: the t-digest of
 * approx_quantile, and the floating-point sums behind avg and stddev_samp. With several
 * DuckDB threads a large file's row groups are merged in scheduling order, so the same
 * input gave different profile.json files. A large file therefore gets these statistics from
 * one more scan on a single-threaded DuckDB instance, which folds rows in file order: the same
 * bytes for any `profile.threads`. Memory stays bounded (a t-digest and two sums per column).
 */
export const orderSensitiveNumeric = ['mean', 'sd', 'qs'] as const;

const aggregates = {
  mean: (v: string) => `avg(${v})`,
  sd: (v: string) => `stddev_samp(${v})`,
  qs: (v: string) => `approx_quantile(${v}, [0.25, 0.5, 0.75])`,
};

/** Columns per statement on the single-threaded scan (3 aggregates each). */
const columnsPerScan = 500;
/** From this many numeric columns the scan is unpivoted, as in long.ts: one statement. */
const longFromColumns = 64;

export interface SequentialSettings {
  memory_limit?: string;
}

/**
 * avg, stddev_samp and approx_quantile of the numeric columns of `select` (the same SELECT
 * that defines the profiled view), keyed `c<index>_<stat>` as the first pass is.
 */
export async function sequentialNumericStats(
  select: string,
  plans: readonly ColumnPlan[],
  settings: SequentialSettings,
): Promise<Row> {
  const numeric = plans.filter((p) => isNumericType(p.type));
  if (numeric.length === 0) return {};
  const instance = await openSequential(settings);
  const conn = await instance.connect();
  try {
    const source = `(${select}) AS profiled_source`;
    if (numeric.length >= longFromColumns) {
      const expressions = orderSensitiveNumeric.map((stat) => `${aggregates[stat]('v')} AS ${stat}`);
      return await longQuery(conn, source, numeric, 'numeric', expressions);
    }
    const out: Row = {};
    for (let start = 0; start < numeric.length; start += columnsPerScan) {
      const expressions = numeric.slice(start, start + columnsPerScan).flatMap((plan) => {
        const value = `CAST(${ident(plan)} AS DOUBLE)`;
        return orderSensitiveNumeric.map((stat) => `${aggregates[stat](value)} AS ${alias(plan, stat)}`);
      });
      const [row] = await queryRows(conn, `SELECT ${expressions.join(', ')} FROM ${source}`);
      Object.assign(out, row);
    }
    return out;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function openSequential(settings: SequentialSettings): Promise<DuckDBInstance> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  return DuckDBInstance.create(':memory:', {
    threads: '1',
    ...(settings.memory_limit ? { memory_limit: settings.memory_limit } : {}),
    // Aggregates of bounded state never spill; the network is never reached for extensions.
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
}
