import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBInstance } from '@duckdb/node-api';
import { replaceDirAtomic } from '../../store/atomic.ts';
import { formatOrderedJson, type OrderedJson } from './json.ts';
import type { FileFormat, FileTable } from './tabular.ts';
import { writeCsv, writeParquet, writeSqlite } from './writers.ts';

/** Everything one task folder holds; written in one atomic swap. */
export interface TaskContents {
  /** source/<name> data files: stem (e.g. "train_v1") -> tables, in the task's format. */
  source: { stem: string; format: FileFormat; tables: FileTable[] }[];
  metadataText: string;
  /** verify/<name>.csv files. */
  verify: { stem: string; table: FileTable }[];
  allMetadata: OrderedJson;
  questionEntry: OrderedJson;
}

export const QUESTION_ENTRY_FILE = 'question_entry.json';

export async function writeTaskFolder(
  duckdb: DuckDBInstance,
  dir: string,
  contents: TaskContents,
): Promise<void> {
  await replaceDirAtomic(dir, async (temp) => {
    const source = join(temp, 'source');
    const verify = join(temp, 'verify');
    await mkdir(source, { recursive: true });
    await mkdir(verify, { recursive: true });
    await writeFile(join(source, 'metadata.txt'), contents.metadataText);
    for (const file of contents.source) {
      const path = join(source, `${file.stem}.${file.format}`);
      const [first] = file.tables;
      if (file.format === 'sqlite') await writeSqlite(path, file.tables);
      else if (!first || file.tables.length !== 1)
        throw new Error(`${file.stem}.${file.format} needs exactly one table`);
      else if (file.format === 'csv') await writeCsv(path, first);
      else await writeParquet(duckdb, path, first);
    }
    for (const file of contents.verify) await writeCsv(join(verify, `${file.stem}.csv`), file.table);
    await writeFile(join(verify, 'all_metadata.json'), formatOrderedJson(contents.allMetadata));
    await writeFile(join(temp, QUESTION_ENTRY_FILE), formatOrderedJson(contents.questionEntry));
  });
}
