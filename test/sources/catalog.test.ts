import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../pipeline/config/load.ts';
import { type Context, createContext } from '../../pipeline/context.ts';
import { UserError } from '../../pipeline/errors.ts';
import { createCatalogSource } from '../../pipeline/sources/catalog/index.ts';
import { locateVegaDatasets } from '../../pipeline/sources/catalog/package.ts';
import { type Catalog, parseCatalogText, taskHints } from '../../pipeline/sources/catalog/schema.ts';
import {
  type KaggleListItem,
  kaggleListItemSchema,
  kaggleMetadataSchema,
} from '../../pipeline/sources/shapes.ts';
import { parseCsv } from '../../pipeline/util/csv.ts';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const catalogPath = join(projectRoot, 'configs/catalog.yaml');

function makeContext(): Context {
  const parsed = parseConfigText('');
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return createContext({ config: parsed.config, cwd: projectRoot });
}

function slug(ref: string): string {
  return ref.split('/')[1] ?? '';
}

/** Records in a source file, counted independently of our CSV parser. */
function sourceRecordCount(file: string, text: string): number {
  if (file.endsWith('.json')) return (JSON.parse(text) as unknown[]).length;
  return text.split(/\r?\n/).filter((line) => line !== '').length - 1;
}

describe('the bundled catalog (configs/catalog.yaml)', () => {
  const ctx = makeContext();
  const source = createCatalogSource('configs/catalog.yaml');
  let catalog: Catalog;
  let items: KaggleListItem[];
  let firstDir: string;
  let secondDir: string;

  beforeAll(async () => {
    const parsed = parseCatalogText(await readFile(catalogPath, 'utf8'));
    if (!parsed.ok) throw new Error(`catalog invalid:\n${parsed.errors.join('\n')}`);
    catalog = parsed.catalog;
    items = await source.list(ctx);
    firstDir = await mkdtemp(join(tmpdir(), 'catalog-a-'));
    secondDir = await mkdtemp(join(tmpdir(), 'catalog-b-'));
    for (const item of items) {
      await source.download(ctx, item, firstDir);
      await source.download(ctx, item, secondDir);
    }
  });

  afterAll(async () => {
    await rm(firstDir, { recursive: true, force: true });
    await rm(secondDir, { recursive: true, force: true });
  });

  it('validates and covers every task family several times', () => {
    expect(catalog.tables.length).toBeGreaterThanOrEqual(14);
    for (const hint of taskHints) {
      expect(catalog.tables.filter((t) => t.task_hints.includes(hint)).length, hint).toBeGreaterThanOrEqual(
        3,
      );
    }
    expect(
      catalog.tables.some((t) => t.file.includes('flights-200k') || t.file.includes('flights-20k')),
    ).toBe(false);
  });

  it('lists Kaggle-shaped items in catalog order', () => {
    expect(items.map((i) => i.ref)).toEqual(catalog.tables.map((t) => t.ref));
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    for (const [index, item] of items.entries()) {
      const table = catalog.tables[index];
      expect(kaggleListItemSchema.parse(item)).toEqual(item);
      expect(item.licenseName).toBe(table?.license);
      expect(item.lastUpdated).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(item.tags?.map((t) => t.name)).toEqual(table?.keywords);
    }
  });

  it('downloads every table as <slug>.csv with all source records and described columns', async () => {
    const pkg = await locateVegaDatasets();
    expect((await readdir(firstDir)).sort()).toEqual(items.map((i) => `${slug(i.ref)}.csv`).sort());
    // pandas (as the verifiers use it) must read every file back with the same rows and header.
    const script =
      'import json,sys,pandas as pd\n' +
      'out={f: (lambda d: [len(d), list(d.columns)])(pd.read_csv(f, keep_default_na=False)) for f in sys.argv[1:]}\n' +
      'print(json.dumps(out))';
    const files = items.map((i) => join(firstDir, `${slug(i.ref)}.csv`));
    const python = spawnSync('/usr/bin/python3', ['-c', script, ...files], { encoding: 'utf8' });
    expect(python.stderr).toBe('');
    const shapes = JSON.parse(python.stdout) as Record<string, [number, string[]]>;
    for (const table of catalog.tables) {
      const file = join(firstDir, `${slug(table.ref)}.csv`);
      const sourceText = await readFile(join(pkg.dataDir, table.file), 'utf8');
      const [rows, header] = shapes[file] ?? [-1, []];
      expect(rows, table.ref).toBe(sourceRecordCount(table.file, sourceText));
      expect([...header].sort(), table.ref).toEqual(table.columns.map((c) => c.name).sort());
    }
  });

  it('copies CSV files byte for byte and converts JSON records cell for cell', async () => {
    const pkg = await locateVegaDatasets();
    for (const table of catalog.tables) {
      const written = await readFile(join(firstDir, `${slug(table.ref)}.csv`));
      const original = await readFile(join(pkg.dataDir, table.file));
      if (table.file.endsWith('.csv')) {
        expect(written.equals(original), table.ref).toBe(true);
        continue;
      }
      const records = JSON.parse(original.toString('utf8')) as Record<string, unknown>[];
      const [header = [], ...rows] = parseCsv(written.toString('utf8'));
      const expected = records.map((record) =>
        header.map((key) => {
          const value = record[key ?? ''];
          return value === null || value === undefined ? null : String(value);
        }),
      );
      expect(rows, table.ref).toEqual(expected);
    }
  });

  it('writes byte-identical files on a second download', async () => {
    for (const name of await readdir(firstDir)) {
      const [a, b] = await Promise.all([readFile(join(firstDir, name)), readFile(join(secondDir, name))]);
      expect(a.equals(b), name).toBe(true);
    }
  });

  it('answers metadata like the Kaggle metadata API', async () => {
    for (const table of catalog.tables) {
      const metadata = kaggleMetadataSchema.parse(await source.metadata(ctx, table.ref));
      const { info } = metadata;
      expect(metadata.errorMessage).toBe('');
      expect(info.datasetSlug).toBe(slug(table.ref));
      const description = info.description ?? '';
      const about = description.indexOf('\n\n=== About this file ===\n\nAbout this file\n');
      const columns = description.indexOf('\n\n\n=== Columns & descriptions ===\n\n');
      expect(description.startsWith(table.description.trimEnd())).toBe(true);
      expect(about).toBeGreaterThan(0);
      expect(columns).toBeGreaterThan(about);
      const columnLines = description.slice(columns).split('\n').slice(5, -1);
      expect(columnLines).toHaveLength(table.columns.length);
      const file = info.data?.[0];
      expect(file?.name).toBe(`${slug(table.ref)}.csv`);
      expect(file?.columns?.map((c) => `${c.name}: ${c.description}`)).toEqual(columnLines);
      expect(info.licenses?.[0]?.name).toBeTruthy();
    }
    const penguins = await source.metadata(ctx, 'vega-datasets/penguins');
    expect(penguins.info.licenses).toEqual([{ name: 'CC0-1.0' }]);
    expect(penguins.info.data?.[0]?.columns?.[2]).toEqual({
      name: 'Beak Length (mm)',
      description: 'Beak length in millimeters',
      type: 'number',
    });
  });

  it('refuses a ref that is not in the catalog', async () => {
    await expect(source.metadata(ctx, 'vega-datasets/nope')).rejects.toThrow(
      /has no table vega-datasets\/nope/,
    );
  });
});

const goodEntry = `
  - ref: vega-datasets/sp500
    file: sp500.csv
    title: S&P 500
    subtitle: Monthly closing value of the S&P 500 index
    description: Monthly closes.
    about_file: One row per month.
    license: Unknown
    last_updated: '2025-08-21T23:04:37Z'
    keywords: [finance, time series analysis]
    task_hints: [time_series_single_entity]
    columns:
      - name: date
        description: Month
      - name: price
        description: Close
`;

describe('a bad catalog', () => {
  const ctx = makeContext();
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'catalog-bad-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function listWith(yamlText: string, name: string): Promise<unknown> {
    const path = join(dir, name);
    await writeFile(path, yamlText);
    return createCatalogSource(path).list(ctx);
  }

  it('accepts the minimal good entry and normalises its date', async () => {
    const items = (await listWith(`tables:${goodEntry}`, 'good.yaml')) as KaggleListItem[];
    expect(items.map((i) => [i.ref, i.lastUpdated])).toEqual([
      ['vega-datasets/sp500', '2025-08-21T23:04:37.000Z'],
    ]);
  });

  it('names an unknown key with its path, entry and the catalog file', async () => {
    const error = await listWith(`tables:${goodEntry}    colour: blue\n`, 'unknown-key.yaml').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain(`catalog ${join(dir, 'unknown-key.yaml')} is invalid`);
    expect((error as Error).message).toContain('tables.0 (vega-datasets/sp500).colour: unknown key');
  });

  it('names the entry and the file when the file is missing', async () => {
    const yamlText = `tables:${goodEntry.replace('file: sp500.csv', 'file: sp501.csv')}`;
    const error = await listWith(yamlText, 'missing.yaml').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/table vega-datasets\/sp500: file sp501\.csv does not exist/);
  });

  it('reports columns described but absent, and columns present but undescribed', async () => {
    const yamlText = `tables:${goodEntry.replace('name: price', 'name: Price')}`;
    await expect(listWith(yamlText, 'columns.yaml')).rejects.toThrow(
      /column "Price" is described but not in the file; column "price" is in the file but has no description/,
    );
  });

  it('checks licenses, slugs, dates and hint keywords', () => {
    const bad = goodEntry
      .replace('license: Unknown', 'license: MIT-ish')
      .replace('vega-datasets/sp500', 'vega-datasets/SP_500')
      .replace("'2025-08-21T23:04:37Z'", "'21/08/2025'");
    const result = parseCatalogText(`tables:${bad}`);
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.map((e) => e.split(':')[0])).toEqual([
      'tables.0 (vega-datasets/SP_500).ref',
      'tables.0 (vega-datasets/SP_500).license',
      'tables.0 (vega-datasets/SP_500).last_updated',
    ]);
    const noHintTag = parseCatalogText(
      `tables:${goodEntry.replace('[finance, time series analysis]', '[finance]')}`,
    );
    expect(noHintTag).toEqual({
      ok: false,
      errors: [
        'tables.0 (vega-datasets/sp500).keywords: task hint time_series_single_entity needs the keyword "time series analysis"',
      ],
    });
  });
});
