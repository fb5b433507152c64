import { stat } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { quoteLiteral } from '../../pipeline/stages/profile/sql.ts';

/**
 * A ~1 GB CSV of 10 million rows with numeric, categorical, datetime (ISO and day-first
 * text) and free-text columns and some missing values; deterministic (hash of the row number).
 */
export async function generateBigCsv(path: string, rows = 10_000_000): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    // not there yet
  }
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await instance.connect();
  const words =
    "['quick','brown','fox','lazy','dog','river','stone','cloud','amber','violet','north','silent']";
  await conn.run(`COPY (
    SELECT i AS id,
      TIMESTAMP '2015-01-01' + INTERVAL (i // 10) MINUTE AS event_time,
      ['north', 'south', 'east', 'west', 'central'][1 + (hash(i, 1) % 5)::BIGINT] AS region,
      'cat_' || (hash(i, 2) % 200) AS category,
      'user_' || (hash(i, 13) % 500000) AS user_code,
      CASE WHEN hash(i, 3) % 20 = 0 THEN NULL ELSE round((hash(i, 4) % 1000000) / 100.0, 2) END AS amount,
      (hash(i, 5) % 50)::INTEGER AS quantity,
      round((hash(i, 6) % 10000) / 5000.0 - 1, 4) AS score,
      (hash(i, 7) % 2)::INTEGER AS flag,
      CASE WHEN hash(i, 8) % 10 = 0 THEN NULL
           ELSE strftime(DATE '2010-01-01' + INTERVAL ((hash(i, 9) % 5000)::BIGINT) DAY, '%d/%m/%Y') END AS signup,
      ${words}[1 + (hash(i, 10) % 12)::BIGINT] || ' ' || ${words}[1 + (hash(i, 11) % 12)::BIGINT] || ' ' || ${words}[1 + (hash(i, 12) % 12)::BIGINT] AS comment
    FROM range(${rows}) t(i)
  ) TO ${quoteLiteral(path)} (HEADER, DELIMITER ',')`);
  conn.closeSync();
  instance.closeSync();
  return (await stat(path)).size;
}
