import type { DuckDBInstance } from '@duckdb/node-api';
import type { BuildConfig } from '../../config/sections/build.ts';
import type { DatasetId } from '../../ids.ts';
import type { TabularDecision } from '../draft/schema.ts';
import { allRows, knownPositions, type MainTable, rowsAt } from './source.ts';
import { columnIndex, type SampledTable, type Table } from './table.ts';
import { sampleOrder, tabularFamily } from './tabular.ts';

/** What each family builds from, read by streaming the main table (see source.ts). */
export interface MainTableRows {
  /** The seeded tabular sample for `decision`: at most build.max_rows rows in memory. */
  sample(decision: TabularDecision): Promise<SampledTable>;
  /** The whole table (time series), within build.max_series_rows; read once. */
  whole(): Promise<Table>;
}

export function mainTableRows(
  duckdb: DuckDBInstance,
  main: MainTable,
  config: BuildConfig,
  corpusSeed: number,
  datasetId: DatasetId,
): MainTableRows {
  let whole: Promise<Table> | undefined;
  return {
    async sample(decision) {
      const targets = decision.target.map((name) => columnIndex(main, name));
      const known = await knownPositions(duckdb, main, targets);
      const order = sampleOrder(known.length, config, corpusSeed, datasetId, tabularFamily(decision));
      const positions = order.map((k) => known[k] as number);
      return { columns: main.columns, rows: await rowsAt(duckdb, main, positions), sampled: true };
    },
    whole() {
      whole ??= allRows(duckdb, main, config.max_series_rows).then((rows) => ({
        columns: main.columns,
        rows,
      }));
      return whole;
    },
  };
}
