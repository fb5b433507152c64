import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectCorpusTasks } from '../../pipeline/release/collect.ts';
import { listFiles } from '../../pipeline/release/exports.ts';
import { diffManifests, type Manifest } from '../../pipeline/release/manifest.ts';
import { release } from '../../pipeline/stages/release/index.ts';
import { sha256File } from '../../pipeline/util/hash.ts';
import { testContext, testdir } from '../support/testdir.ts';

const published = join(process.cwd(), '../shared/fixtures/dare-eval');

async function treeHashes(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const path of await listFiles(root)) out[path] = await sha256File(join(root, path));
  return out;
}

describe('release of the fixture corpus', { timeout: 120_000 }, () => {
  it('is byte-identical when released twice, and its manifest hashes every file', async () => {
    const root = await testdir();
    const ctx = testContext(root);
    const first = await release(ctx, { extra: { corpus: published, version: '1.0.0' } });
    const second = await release(ctx, { extra: { corpus: published, version: '1.0.1' } });
    await ctx.close();
    const a = await treeHashes(first.dir);
    const b = await treeHashes(second.dir);
    // The version is written into a few release-level files; everything else is identical.
    const versioned = ['manifest.json', 'README.md', 'LICENSE_DISTRIBUTION.md', 'croissant.json'];
    for (const path of Object.keys(a)) if (!versioned.includes(path)) expect(b[path], path).toBe(a[path]);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    const again = await release(testContext(root), {
      extra: { corpus: published, version: '1.0.0' },
      force: true,
    });
    expect(await treeHashes(again.dir)).toEqual(a);
    const manifest = JSON.parse(await readFile(join(first.dir, 'manifest.json'), 'utf8')) as Manifest;
    const { 'manifest.json': _, ...files } = a;
    expect(manifest.files).toEqual(files);
    expect(manifest.counts.tasks.train + manifest.counts.tasks.eval).toBe(37);
  });

  it('keeps every task folder exactly in the published layout', async () => {
    const root = await testdir();
    const ctx = testContext(root);
    const { dir } = await release(ctx, { extra: { corpus: published, version: '1.0.0' } });
    await ctx.close();
    const publishedList = JSON.parse(await readFile(join(published, 'question_list.json'), 'utf8')) as Record<
      string,
      unknown
    >[];
    const byTask = new Map(publishedList.map((e) => [e.file_path as string, e]));
    let folders = 0;
    for (const split of ['train', 'eval']) {
      expect((await readdir(join(dir, split))).sort()).toEqual(['databases', 'question_list.json']);
      const list = JSON.parse(await readFile(join(dir, split, 'question_list.json'), 'utf8')) as Record<
        string,
        unknown
      >[];
      expect((await readdir(join(dir, split, 'databases'))).sort()).toEqual(
        list.map((e) => e.file_path).sort(),
      );
      for (const entry of list) {
        const task = entry.file_path as string;
        expect(Object.keys(entry)).toEqual(Object.keys(byTask.get(task) as object));
        expect(await listFiles(join(dir, split, 'databases', task))).toEqual(
          await listFiles(join(published, 'databases', task)),
        );
        folders += 1;
      }
    }
    expect(folders).toBe(37);
  });

  it('puts the most recently updated datasets in eval and keeps near-duplicate tables on one side', async () => {
    const root = await testdir();
    const ctx = testContext(root, 'release:\n  eval_fraction: 0.2\n');
    const { manifest, dir } = await release(ctx, { extra: { corpus: published, version: '1.0.0' } });
    await ctx.close();
    const { tasks, rejected } = await collectCorpusTasks(published);
    expect(rejected).toEqual([]);
    const splitOf = new Map(manifest.tasks.map((t) => [t.task, t.split]));
    const evalDates = tasks.filter((t) => splitOf.get(t.task) === 'eval').map((t) => t.lastUpdated ?? '');
    const trainDates = tasks.filter((t) => splitOf.get(t.task) === 'train').map((t) => t.lastUpdated ?? '');
    expect(evalDates.length).toBeGreaterThanOrEqual(7);
    expect(evalDates.sort()[0]! >= trainDates.sort().at(-1)!).toBe(true);
    expect(manifest.split.cutoff).toBe(evalDates.sort()[0]);
    // Both variants and both tasks of one dataset (steam games: class and reg) stay together.
    expect(splitOf.get('hbugrae_best-selling-steam-games-of-all-time_class')).toBe(
      splitOf.get('hbugrae_best-selling-steam-games-of-all-time_reg'),
    );
    const contamination = JSON.parse(await readFile(join(dir, 'contamination.json'), 'utf8'));
    expect(contamination.groups).toContainEqual([
      'ayushmanyashaswi_car-data-small-dataset-good-for-learning',
      'brsahan_extensive-used-car-price-for-predictive-modeling',
    ]);
    expect(splitOf.get('ayushmanyashaswi_car-data-small-dataset-good-for-learning_reg')).toBe(
      splitOf.get('brsahan_extensive-used-car-price-for-predictive-modeling_reg'),
    );
  });

  it('honours a pinned eval list and writes the open-license subset from the allowlist', async () => {
    const root = await testdir();
    const pinned = 'carlmcbrideellis_data-anscombes-quartet';
    const ctx = testContext(root, `release:\n  eval_pinned: [${pinned}]\n  open_license_ids: [CC0-1.0]\n`);
    const { dir, manifest } = await release(ctx, { extra: { corpus: published, version: '1.0.0' } });
    await ctx.close();
    expect(manifest.tasks.filter((t) => t.split === 'eval').map((t) => t.task)).toEqual([`${pinned}_reg`]);
    const open = JSON.parse(await readFile(join(dir, 'open_license/train_question_list.json'), 'utf8')) as {
      file_path: string;
    }[];
    const cc0 = manifest.tasks
      .filter((t) => t.license === 'CC0-1.0' && t.split === 'train')
      .map((t) => t.task);
    expect(open.map((e) => e.file_path).sort()).toEqual(cc0.sort());
    expect(cc0.length).toBe(manifest.counts.open_license.train);
    const distribution = await readFile(join(dir, 'LICENSE_DISTRIBUTION.md'), 'utf8');
    expect(distribution).toMatch(/\| CC0-1\.0 \| \d+ \| \d+ \| 11 \|/);
  });

  it('writes a Croissant 1.0 file with the required properties and checksummed files', async () => {
    const root = await testdir();
    const ctx = testContext(root);
    const { dir } = await release(ctx, { extra: { corpus: published, version: '1.2.3' } });
    await ctx.close();
    const doc = JSON.parse(await readFile(join(dir, 'croissant.json'), 'utf8'));
    for (const key of [
      '@context',
      '@type',
      'conformsTo',
      'name',
      'description',
      'license',
      'url',
      'creator',
      'datePublished',
      'distribution',
      'recordSet',
    ]) {
      expect(doc[key], key).toBeDefined();
    }
    expect(doc['@type']).toBe('sc:Dataset');
    expect(doc.conformsTo).toBe('http://mlcommons.org/croissant/1.0');
    expect(doc['@context'].cr).toBe('http://mlcommons.org/croissant/');
    expect(doc.version).toBe('1.2.3');
    const parquet = doc.distribution.find((f: { '@id': string }) => f['@id'] === 'hf/tasks.parquet');
    expect(parquet).toMatchObject({ '@type': 'cr:FileObject', encodingFormat: 'application/x-parquet' });
    expect(parquet.sha256).toBe(await sha256File(join(dir, 'hf/tasks.parquet')));
    for (const file of doc.distribution) {
      expect(file.contentUrl).toBeTruthy();
      expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    const [records] = doc.recordSet;
    expect(records['@type']).toBe('cr:RecordSet');
    for (const field of records.field) {
      expect(field['@type']).toBe('cr:Field');
      expect(field.dataType).toMatch(/^sc:/);
      expect(field.source.fileObject['@id']).toBe('hf/tasks.parquet');
    }
    const jsonl = (await readFile(join(dir, 'hf/tasks.jsonl'), 'utf8')).trim().split('\n');
    expect(jsonl).toHaveLength(74);
    expect(JSON.parse(jsonl[0] as string)).toMatchObject({ variant: 'v1', question: expect.any(String) });
  });

  it('diffs two releases: added, removed and changed tasks with their files', async () => {
    const root = await testdir();
    const corpus = join(root, 'corpus');
    await cp(published, corpus, { recursive: true });
    const ctx = testContext(root);
    const a = await release(ctx, { extra: { corpus, version: '1.0.0' } });
    const list = JSON.parse(await readFile(join(corpus, 'question_list.json'), 'utf8')) as {
      file_path: string;
    }[];
    const removed = 'carlmcbrideellis_data-anscombes-quartet_reg';
    await writeFile(
      join(corpus, 'question_list.json'),
      JSON.stringify(list.filter((e) => e.file_path !== removed)),
    );
    await rm(join(corpus, 'databases', removed), { recursive: true });
    const changed = 'jacopoferretti_lung-capacity-of-kids_reg';
    await writeFile(join(corpus, 'databases', changed, 'source', 'metadata.txt'), 'edited\n');
    const b = await release(ctx, { extra: { corpus, version: '1.1.0' } });
    await ctx.close();
    const diff = diffManifests(a.manifest, b.manifest);
    expect(diff.removed.map((r) => r.task)).toEqual([removed]);
    expect(diff.added).toEqual([]);
    expect(diff.changed.filter((c) => !c.moved)).toEqual([
      { task: changed, moved: null, questions: [], files: ['source/metadata.txt'] },
    ]);
  });
});
