import { copyFile, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseConfigText } from '../../pipeline/config/load.ts';
import { type Context, createContext } from '../../pipeline/context.ts';
import { asDatasetId, type DatasetId } from '../../pipeline/ids.ts';
import { Logger } from '../../pipeline/logger.ts';
import { Paths } from '../../pipeline/store/paths.ts';
import { writeStatus } from '../../pipeline/store/status.ts';

export const fixturesDir = join(import.meta.dirname, '../../../shared/fixtures/kaggle');

export async function tempRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'dare-forge-profile-'));
}

export function configFor(root: string, yaml = '') {
  const text = `paths:\n  raw: ${join(root, 'raw')}\n  processed: ${join(root, 'processed')}\n  splits: ${join(root, 'splits')}\n${yaml}`;
  const result = parseConfigText(text);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config;
}

export function profileContext(root: string, yaml = ''): Context {
  return createContext({ config: configFor(root, yaml), logger: new Logger('error', { write: () => {} }) });
}

/** Lays out a dataset as the scrape stage leaves it, with its ok status record. */
export async function addScraped(
  root: string,
  id: string,
  files: Record<string, string | Uint8Array>,
): Promise<DatasetId> {
  const dataset = asDatasetId(id);
  const paths = new Paths(configFor(root));
  const dir = paths.rawDir(dataset);
  await mkdir(join(dir, 'files'), { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, 'files', name)), { recursive: true });
    await writeFile(join(dir, 'files', name), content);
  }
  await writeFile(join(dir, 'listing.json'), JSON.stringify({ ref: id.replace('_', '/') }));
  await writeFile(join(dir, 'metadata.json'), JSON.stringify({ info: {}, errorMessage: null }));
  await writeFile(join(dir, 'scrape.json'), JSON.stringify({ files: Object.keys(files) }));
  await markScraped(paths, dataset);
  return dataset;
}

/** The scrape record a stage after scrape needs before it takes a dataset. */
export async function markScraped(paths: Paths, dataset: DatasetId): Promise<void> {
  await writeStatus(paths, {
    stage: 'scrape',
    dataset,
    inputs_hash: 'test',
    code_version: 'test',
    outcome: { status: 'ok' },
    started_at: '2026-01-01T00:00:00.000Z',
    duration_ms: 0,
    artifacts: [],
  });
}

export interface FixtureDataset {
  id: DatasetId;
  /** The fixture CSV (read-only original). */
  source: string;
  /** Its copy under raw/<id>/files/. */
  copy: string;
}

/** Copies the 36 Kaggle fixtures into raw/ as scraped datasets (ids `<owner>_<slug>`). */
export async function addFixtures(root: string): Promise<FixtureDataset[]> {
  const paths = new Paths(configFor(root));
  const out: FixtureDataset[] = [];
  for (const owner of (await readdir(fixturesDir, { withFileTypes: true })).filter((e) => e.isDirectory())) {
    for (const slug of await readdir(join(fixturesDir, owner.name))) {
      const id = asDatasetId(`${owner.name}_${slug}`);
      const source = join(fixturesDir, owner.name, slug, 'files', `${slug}.csv`);
      const copy = join(paths.rawFilesDir(id), `${slug}.csv`);
      await mkdir(dirname(copy), { recursive: true });
      await copyFile(source, copy);
      await copyFile(
        join(fixturesDir, owner.name, slug, 'metadata.json'),
        join(paths.rawDir(id), 'metadata.json'),
      );
      await writeFile(
        join(paths.rawDir(id), 'listing.json'),
        JSON.stringify({ ref: `${owner.name}/${slug}` }),
      );
      await writeFile(join(paths.rawDir(id), 'scrape.json'), JSON.stringify({ files: [`${slug}.csv`] }));
      await markScraped(paths, id);
      out.push({ id, source, copy });
    }
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}
