import { isAbsolute, join, resolve } from 'node:path';
import type { Context } from '../../context.ts';
import { UserError } from '../../errors.ts';
import { writeFileAtomic } from '../../store/atomic.ts';
import { hashValue, sha256 } from '../../util/hash.ts';
import type { KaggleListItem, KaggleMetadata } from '../shapes.ts';
import type { Source } from '../source.ts';
import { csvFileName, toListItem, toMetadata } from './kaggle.ts';
import { locateVegaDatasets, type VegaPackage } from './package.ts';
import { type Catalog, type CatalogTable, loadCatalog } from './schema.ts';
import { readCatalogTable } from './table.ts';

interface Loaded {
  catalogPath: string;
  catalog: Catalog;
  pkg: VegaPackage;
}

/**
 * The bundled sample catalog: tables shipped in the vega-datasets npm package, described by
 * a YAML catalog and served in Kaggle's shapes, with no network. `catalogPath` may be relative
 * to ctx.cwd.
 */
export function createCatalogSource(catalogPath: string): Source {
  let loading: Promise<Loaded> | undefined;
  const load = (ctx: Context): Promise<Loaded> => {
    loading ??= (async () => {
      const path = isAbsolute(catalogPath) ? catalogPath : resolve(ctx.cwd, catalogPath);
      const [catalog, pkg] = await Promise.all([loadCatalog(path), locateVegaDatasets()]);
      return { catalogPath: path, catalog, pkg };
    })();
    // A failed load (bad catalog) is retried on the next call rather than cached.
    loading.catch(() => {
      loading = undefined;
    });
    return loading;
  };

  const entry = (loaded: Loaded, ref: string): CatalogTable => {
    const table = loaded.catalog.tables.find((t) => t.ref === ref);
    if (!table) {
      throw new UserError(
        `catalog ${loaded.catalogPath} has no table ${ref}; it lists ${loaded.catalog.tables.map((t) => t.ref).join(', ')}`,
      );
    }
    return table;
  };

  return {
    kind: 'catalog',

    async list(ctx: Context): Promise<KaggleListItem[]> {
      const loaded = await load(ctx);
      const items: KaggleListItem[] = [];
      for (const table of loaded.catalog.tables) {
        const csv = await readCatalogTable(loaded.pkg, table, loaded.catalogPath);
        items.push(toListItem(table, csv, loaded.pkg));
      }
      return items;
    },

    async metadata(ctx: Context, ref: string): Promise<KaggleMetadata> {
      const loaded = await load(ctx);
      const table = entry(loaded, ref);
      return toMetadata(table, await readCatalogTable(loaded.pkg, table, loaded.catalogPath), loaded.pkg);
    },

    async download(ctx: Context, item: KaggleListItem, filesDir: string): Promise<void> {
      const loaded = await load(ctx);
      const table = entry(loaded, item.ref);
      const csv = await readCatalogTable(loaded.pkg, table, loaded.catalogPath);
      ctx.signal.throwIfAborted();
      await writeFileAtomic(join(filesDir, csvFileName(table)), csv.bytes);
    },

    async fingerprint(ctx: Context, item: KaggleListItem): Promise<unknown> {
      const loaded = await load(ctx);
      const table = entry(loaded, item.ref);
      const csv = await readCatalogTable(loaded.pkg, table, loaded.catalogPath);
      return {
        package: `vega-datasets@${loaded.pkg.version}`,
        source_sha256: sha256(csv.sourceBytes),
        entry: hashValue(table),
      };
    },
  };
}
