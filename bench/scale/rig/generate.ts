import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { deriveSeed, rng } from '../../../pipeline/util/seed.ts';
import { perturbCsv } from './perturb.ts';

/** The fields of a fixture index item the generator rewrites; the rest are copied as they are. */
const indexItem = z.looseObject({
  ref: z.string(),
  id: z.number().optional(),
  lastUpdated: z.string().optional(),
  title: z.string().optional(),
});
const metadataFile = z.looseObject({ info: z.looseObject({ title: z.string().optional() }) });

export interface GenerateOptions {
  /** A Kaggle-shaped mirror: index.json and <owner>/<slug>/{metadata.json,files/}. */
  fixtures: string;
  /** Where the generated mirror goes (created). */
  out: string;
  count: number;
  seed: number;
  /** Cap on data rows per generated table (bounds the corpus size on disk). */
  maxRows?: number;
}

export interface GeneratedDataset {
  ref: string;
  base: string;
}

interface Base {
  item: z.infer<typeof indexItem>;
  metadata: z.infer<typeof metadataFile>;
  files: { name: string; text: string }[];
}

async function loadBases(fixtures: string): Promise<Base[]> {
  const index = z.array(indexItem).parse(JSON.parse(await readFile(join(fixtures, 'index.json'), 'utf8')));
  const seen = new Set<string>();
  const bases: Base[] = [];
  for (const item of index) {
    if (seen.has(item.ref)) continue;
    seen.add(item.ref);
    const dir = join(fixtures, ...item.ref.split('/'));
    const metadata = metadataFile.parse(JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8')));
    const names = (await readdir(join(dir, 'files'))).sort();
    const files = await Promise.all(
      names.map(async (name) => ({ name, text: await readFile(join(dir, 'files', name), 'utf8') })),
    );
    bases.push({ item, metadata, files });
  }
  return bases;
}

/** Dataset i's new ref: a handful of owners, the base slug with a variant number. */
export function generatedRef(baseRef: string, index: number): string {
  const slug = (baseRef.split('/')[1] ?? 'dataset').slice(0, 60);
  return `scale${String(index % 97).padStart(2, '0')}/${slug}-v${index}`;
}

const dayMs = 86_400_000;
const epoch = Date.parse('2026-01-01T00:00:00Z');

/**
 * Writes `count` perturbed copies of the fixture datasets as a mirror the loopback Kaggle
 * server serves: new refs and ids, a seeded row subset with noise on decimals, sizes from the
 * new files, shifted update dates and versions. Same options, byte-identical mirror.
 */
export async function generateCorpus(options: GenerateOptions): Promise<GeneratedDataset[]> {
  const bases = await loadBases(options.fixtures);
  if (bases.length === 0) throw new Error(`no datasets in ${options.fixtures}/index.json`);
  const index: Record<string, unknown>[] = [];
  const generated: GeneratedDataset[] = [];
  for (let i = 0; i < options.count; i++) {
    const base = bases[i % bases.length] as Base;
    const ref = generatedRef(base.item.ref, i);
    const random = rng(deriveSeed(options.seed, ref, 'scale-rig'));
    const [owner, slug] = ref.split('/') as [string, string];
    const dir = join(options.out, owner, slug);
    await mkdir(join(dir, 'files'), { recursive: true });
    const keepFraction = 0.6 + 0.4 * random();
    let totalBytes = 0;
    for (const file of base.files) {
      const text = perturbCsv(file.text, {
        random,
        keepFraction,
        maxRows: options.maxRows ?? 5000,
        noise: 0.01,
      });
      totalBytes += Buffer.byteLength(text);
      await writeFile(join(dir, 'files', file.name), text);
    }
    const title = `${base.item.title ?? slug} (variant ${i})`;
    const lastUpdated = new Date(epoch - Math.floor(random() * 1500) * dayMs).toISOString();
    const id = 9_000_000 + i;
    const metadata = {
      ...base.metadata,
      info: { ...base.metadata.info, datasetId: id, ownerUser: owner, datasetSlug: slug, title },
    };
    await writeFile(join(dir, 'metadata.json'), `${JSON.stringify(metadata, null, 1)}\n`);
    index.push({
      ...base.item,
      id,
      ref,
      title,
      totalBytes,
      lastUpdated,
      currentVersionNumber: 1 + Math.floor(random() * 5),
      url: `https://www.kaggle.com/datasets/${ref}`,
      ownerRef: owner,
      creatorUrl: owner,
    });
    generated.push({ ref, base: base.item.ref });
  }
  await writeFile(join(options.out, 'index.json'), `${JSON.stringify(index, null, 1)}\n`);
  return generated;
}
