import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import { copyScorer, jsonl, scoringSpec, template, writeOut } from './files.ts';
import type { ExportSource, ExportVariant } from './tasks.ts';

export const DATA_SOURCE = 'dare-forge';

/**
 * One verl row. The ground truth is in reward_model (verl's design: the trainer reads it, the
 * policy sees only `prompt`); the agent's files are under files/<task>/, named in extra_info.
 */
export function verlRow(v: ExportVariant, index: number, split: string) {
  return {
    data_source: DATA_SOURCE,
    prompt: [{ role: 'user', content: v.question }],
    ability: 'data_science',
    reward_model: {
      style: 'rule',
      ground_truth: JSON.stringify({ ...scoringSpec(v), truth_csv: v.truthText }),
    },
    extra_info: {
      index,
      split,
      id: v.id,
      task: v.task,
      variant: v.variant,
      family: v.family,
      metric: v.metric,
      license: v.license,
      needed_files: v.neededFiles,
      files_dir: `files/${v.task}`,
    },
  };
}

const columns =
  "{'data_source': 'VARCHAR', 'prompt': 'STRUCT(role VARCHAR, content VARCHAR)[]', 'ability': 'VARCHAR', " +
  "'reward_model': 'STRUCT(style VARCHAR, ground_truth VARCHAR)', " +
  "'extra_info': 'STRUCT(\"index\" INTEGER, split VARCHAR, id VARCHAR, task VARCHAR, variant VARCHAR, family VARCHAR, " +
  "metric VARCHAR, license VARCHAR, needed_files VARCHAR[], files_dir VARCHAR)'}";

const quoted = (path: string) => `'${path.replace(/'/g, "''")}'`;

/** `<split>.parquet` (DuckDB, one thread, explicit schema: byte-stable) + compute_score.py. */
export async function writeVerl(out: string, source: ExportSource, duckdb: () => Promise<DuckDBInstance>) {
  const rows = source.variants.map((v, index) => verlRow(v, index, source.split));
  const staging = join(out, '.rows.jsonl');
  await writeOut(out, '.rows.jsonl', jsonl(rows));
  const connection = await (await duckdb()).connect();
  try {
    await connection.run('SET threads = 1');
    await connection.run('SET preserve_insertion_order = true');
    await connection.run(
      `COPY (SELECT * FROM read_json(${quoted(staging)}, format = 'newline_delimited', columns = ${columns})) ` +
        `TO ${quoted(join(out, `${source.split}.parquet`))} (FORMAT parquet, COMPRESSION zstd)`,
    );
  } finally {
    connection.closeSync();
    await rm(staging, { force: true });
  }
  await writeOut(out, 'compute_score.py', await template('verl_compute_score.py'));
  await copyScorer(out);
}
