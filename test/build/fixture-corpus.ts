import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configSchema } from '../../pipeline/config/schema.ts';
import { type Context, createContext } from '../../pipeline/context.ts';
import { asDatasetId, type DatasetId } from '../../pipeline/ids.ts';
import { Logger } from '../../pipeline/logger.ts';
import {
  draftFromPublishedMetadata,
  type PublishedTask,
  resampleFromQuestion,
} from '../../pipeline/stages/build/published.ts';
import { parseCsv } from '../../pipeline/util/csv.ts';

export const FIXTURES = join(import.meta.dirname, '../../../shared/fixtures');
export const DARE = join(FIXTURES, 'dare-eval');
export const KAGGLE = join(FIXTURES, 'kaggle');

export interface PublishedEntry {
  file_path: string;
  question_v2: string;
  [key: string]: unknown;
}

export async function publishedQuestionList(): Promise<PublishedEntry[]> {
  return JSON.parse(await readFile(join(DARE, 'question_list.json'), 'utf8'));
}

/**
 * Lays out raw/<id>/{listing.json, metadata.json, files/<slug>.csv} from the Kaggle mirror
 * and processed/<id>/draft.json (with an ok draft record) from the published tasks, as the upstream stages would.
 */
export async function setUpFixtureCorpus(root: string): Promise<DatasetId[]> {
  const index: { ref: string }[] = JSON.parse(await readFile(join(KAGGLE, 'index.json'), 'utf8'));
  const entries = await publishedQuestionList();
  const ids: DatasetId[] = [];
  const seen = new Set<string>();
  for (const listing of index) {
    if (seen.has(listing.ref)) continue;
    seen.add(listing.ref);
    const [owner, slug] = listing.ref.split('/') as [string, string];
    const id = asDatasetId(`${owner}_${slug}`);
    const tasks: PublishedTask[] = [];
    for (const entry of entries.filter((e) => e.file_path.replace(/_(class|reg|ts)$/, '') === id)) {
      const folder = join(DARE, 'databases', entry.file_path);
      const allMetadata = JSON.parse(await readFile(join(folder, 'verify', 'all_metadata.json'), 'utf8'));
      if (!entry.file_path.endsWith('_ts')) {
        tasks.push({ allMetadata });
        continue;
      }
      const [header] = parseCsv(await readFile(join(folder, 'source', 'val_v2.csv'), 'utf8'));
      const timeColumn: string = allMetadata.question.time_column;
      tasks.push({
        allMetadata,
        entityColumns: (header ?? []).filter((c): c is string => c !== null && c !== timeColumn),
        resample: resampleFromQuestion(entry.question_v2),
      });
    }
    if (tasks.length === 0) continue;
    const raw = join(root, 'raw', id);
    await mkdir(join(raw, 'files'), { recursive: true });
    await writeFile(join(raw, 'listing.json'), JSON.stringify(listing));
    await writeFile(join(raw, 'metadata.json'), await readFile(join(KAGGLE, owner, slug, 'metadata.json')));
    await symlink(join(KAGGLE, owner, slug, 'files', `${slug}.csv`), join(raw, 'files', `${slug}.csv`));
    const processed = join(root, 'processed', id);
    await mkdir(processed, { recursive: true });
    await writeFile(
      join(processed, 'draft.json'),
      JSON.stringify(draftFromPublishedMetadata(id, `${slug}.csv`, tasks)),
    );
    // Build uses a draft.json only while the draft stage's record says ok.
    await mkdir(join(processed, 'status'), { recursive: true });
    await writeFile(
      join(processed, 'status', 'draft.json'),
      JSON.stringify({
        stage: 'draft',
        dataset: id,
        inputs_hash: 'fixture',
        code_version: 'fixture',
        outcome: { status: 'ok' },
        started_at: '2026-01-01T00:00:00.000Z',
        duration_ms: 0,
        artifacts: ['draft.json'],
      }),
    );
    ids.push(id);
  }
  return ids;
}

export function testContext(
  root: string,
  processed = 'processed',
  build: Record<string, unknown> = {},
): Context {
  const config = configSchema.parse({
    paths: { raw: join(root, 'raw'), processed: join(root, processed), splits: join(root, 'splits') },
    profile: { threads: 1, memory_limit: '512MB' },
    build,
  });
  return createContext({ config, cwd: root, logger: new Logger('error'), concurrency: 2 });
}
