import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asDatasetId } from '../../pipeline/ids.ts';
import { runStage } from '../../pipeline/runner.ts';
import { buildStage, run } from '../../pipeline/stages/build/index.ts';
import { probeVerifiableFormats } from '../../pipeline/stages/build/verifiable.ts';
import { sha256File } from '../../pipeline/util/hash.ts';
import {
  DARE,
  type PublishedEntry,
  publishedQuestionList,
  setUpFixtureCorpus,
  testContext,
} from './fixture-corpus.ts';

const REPO = join(import.meta.dirname, '..', '..');
let root: string;
let taskDirs: string[];
let published: Map<string, PublishedEntry>;

async function builtTasks(processed: string): Promise<string[]> {
  const dirs: string[] = [];
  for (const id of (await readdir(processed)).sort()) {
    const tasks = join(processed, id, 'tasks');
    for (const task of (await readdir(tasks).catch(() => [])).sort()) dirs.push(join(tasks, task));
  }
  return dirs;
}

async function hashTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of (await readdir(dir, { recursive: true })).sort()) {
    const hash = await sha256File(join(dir, name)).catch(() => 'dir');
    out.set(name, hash);
  }
  return out;
}

const jsonType = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

let buildNotes: string[] | undefined;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'dare-build-'));
  const ids = await setUpFixtureCorpus(root);
  for (const processed of ['processed', 'processed-again']) {
    const ctx = testContext(root, processed);
    if (processed !== 'processed') {
      // The second build starts from the same drafts in a fresh folder.
      await rm(join(root, processed), { recursive: true, force: true });
      await execFileSync('cp', ['-r', join(root, 'processed'), join(root, processed)]);
      for (const id of ids) await rm(join(root, processed, id, 'tasks'), { recursive: true, force: true });
    }
    const summary = await run(ctx, { only: ids, force: true });
    expect(summary.errors).toEqual({});
    buildNotes = summary.notes;
    await ctx.close();
  }
  taskDirs = await builtTasks(join(root, 'processed'));
  published = new Map((await publishedQuestionList()).map((e) => [e.file_path, e]));
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('build on the published fixture datasets', () => {
  it('builds a task folder for at least 34 of the 37 published tasks', () => {
    expect(taskDirs.length).toBeGreaterThanOrEqual(34);
  });

  it('is byte-identical across two builds (csv, sqlite, parquet, json)', async () => {
    const first = await hashTree(join(root, 'processed'));
    const second = await hashTree(join(root, 'processed-again'));
    const strip = (m: Map<string, string>) =>
      new Map([...m].filter(([k]) => k.includes('/tasks/') || /^[^/]+\/build\.json$/.test(k)));
    expect(strip(second)).toEqual(strip(first));
    const formats = [...strip(first).keys()].map((k) => k.split('.').at(-1));
    // Build draws only formats this machine's verifier reads: parquet exactly when it can.
    const verifiable = await probeVerifiableFormats('/usr/bin/python3');
    expect(formats).toEqual(expect.arrayContaining([...verifiable]));
    if (!verifiable.includes('parquet')) expect(formats).not.toContain('parquet');
  });

  it('records in build.json and says in the run summary which formats the verifier can check', async () => {
    const verifiable = await probeVerifiableFormats('/usr/bin/python3');
    for (const dir of taskDirs.slice(0, 5)) {
      const dataset = dir.split('/').at(-3) as string;
      const build = JSON.parse(await readFile(join(root, 'processed', dataset, 'build.json'), 'utf8'));
      expect(build.verifiable_formats).toEqual(verifiable);
    }
    if (verifiable.includes('parquet')) expect(buildNotes).toBeUndefined();
    else expect(buildNotes?.join('\n')).toMatch(/cannot read parquet .* among csv, sqlite only/);
  });

  it('matches the published layout: file names, metadata keys and types, question entry fields', async () => {
    for (const dir of taskDirs) {
      const task = dir.split('/').at(-1) as string;
      const theirs = join(DARE, 'databases', task);
      const ours = JSON.parse(await readFile(join(dir, 'verify', 'all_metadata.json'), 'utf8'));
      const pub = JSON.parse(await readFile(join(theirs, 'verify', 'all_metadata.json'), 'utf8'));
      const ext = ours.question.save_file_type;
      const stem = (n: string) => (n.endsWith('.txt') ? n : n.replace(/\.(csv|sqlite|parquet)$/, `.${ext}`));
      expect((await readdir(join(dir, 'source'))).sort(), task).toEqual(
        (await readdir(join(theirs, 'source'))).map(stem).sort(),
      );
      const theirVerify = (await readdir(join(theirs, 'verify'))).filter(
        (n) => n !== 'simulated_pred_local.csv',
      );
      expect((await readdir(join(dir, 'verify'))).sort(), task).toEqual(theirVerify.sort());
      expect(Object.keys(ours), task).toEqual(Object.keys(pub));
      expect(Object.keys(ours.question), task).toEqual(Object.keys(pub.question));
      for (const key of Object.keys(pub.question)) {
        expect(`${key}:${jsonType(ours.question[key])}`, task).toBe(`${key}:${jsonType(pub.question[key])}`);
      }
      expect(Object.keys(ours.data_info).sort(), task).toEqual(Object.keys(pub.data_info).sort());
      expect(Object.keys(ours.meta_data).sort(), task).toEqual(Object.keys(pub.meta_data).sort());
      const entry = JSON.parse(await readFile(join(dir, 'question_entry.json'), 'utf8'));
      const theirEntry = published.get(task) as PublishedEntry;
      expect(Object.keys(entry), task).toEqual(Object.keys(theirEntry));
      for (const key of Object.keys(theirEntry))
        expect(`${key}:${jsonType(entry[key])}`).toBe(`${key}:${jsonType(theirEntry[key])}`);
      expect(entry.needed_files_v1).toEqual(ours.question.needed_files_v1);
      expect(await readFile(join(dir, 'source', 'metadata.txt'), 'utf8')).toBe(
        await readFile(join(theirs, 'source', 'metadata.txt'), 'utf8'),
      );
    }
  });

  it('filtering train_v1 by the stated ranges (keeping missing) gives train_v1_no_err (pandas reads csv/sqlite)', async () => {
    const tabular: string[] = [];
    const parquet: string[] = [];
    for (const dir of taskDirs.filter((d) => !d.endsWith('_ts'))) {
      const meta = JSON.parse(await readFile(join(dir, 'verify', 'all_metadata.json'), 'utf8'));
      (meta.question.save_file_type === 'parquet' ? parquet : tabular).push(dir);
    }
    const out = execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'invariant.py'), ...tabular], {
      encoding: 'utf8',
    });
    const results = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(results).toHaveLength(tabular.length);
    for (const r of results) {
      expect(r.equal, `${r.task}: ${r.detail ?? ''}`).toBe(true);
      expect(r.removed, r.task).toBeGreaterThan(0);
      expect(r.min_violations, r.task).toBeGreaterThanOrEqual(1);
      expect(r.max_violations, r.task).toBeLessThanOrEqual(2);
    }
    expect(results.filter((r) => r.kept_with_missing > 0).length).toBeGreaterThan(results.length / 2);
    for (const dir of parquet) await checkParquetInvariant(dir);
    expect(tabular.length + parquet.length).toBeGreaterThanOrEqual(22);
  });

  it('splits time series chronologically with XF and CF files that pandas parses with time_format', () => {
    const ts = taskDirs.filter((d) => d.endsWith('_ts'));
    expect(ts.length).toBeGreaterThanOrEqual(11);
    const out = execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'ts_check.py'), ...ts], {
      encoding: 'utf8',
    });
    const results = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(results).toHaveLength(ts.length);
    for (const r of results) expect(r.problems, r.task).toEqual([]);
  });

  it('skips fresh datasets on a rerun and rejects a dataset without a draft', async () => {
    const ctx = testContext(root);
    const ids = (await readdir(join(root, 'processed'))).filter((n) => !n.startsWith('_')).map(asDatasetId);
    const again = await run(ctx, { only: ids });
    expect(again.fresh).toBe(ids.length);
    // Not drafted, so the stage itself is run over it: run() only picks drafted datasets.
    const missing = await runStage(ctx, buildStage, [asDatasetId('nobody_nothing')]);
    expect(missing.rejected).toEqual({ no_draft: 1 });
    await ctx.close();
  });

  it('gives IF tasks the published reference solution can run (sqlite task)', async () => {
    const sqliteTask = await firstTaskOfFormat('sqlite');
    execFileSync(
      '/usr/bin/python3',
      [
        join(REPO, 'verifiers', 'reference_solution.py'),
        '--params',
        join(sqliteTask, 'verify', 'all_metadata.json'),
        '--data-dir',
        join(sqliteTask, 'source'),
        '--output',
        join(root, 'prediction.csv'),
      ],
      { stdio: 'pipe' },
    );
    const prediction = await readFile(join(root, 'prediction.csv'), 'utf8');
    const truth = await readFile(join(sqliteTask, 'verify', 'ground_truth.csv'), 'utf8');
    expect(prediction.split('\n')[0]).toBe(truth.split('\n')[0]);
    expect(prediction.trim().split('\n')).toHaveLength(truth.trim().split('\n').length);
  });
});

async function firstTaskOfFormat(format: string): Promise<string> {
  for (const dir of taskDirs.filter((d) => !d.endsWith('_ts'))) {
    const meta = JSON.parse(await readFile(join(dir, 'verify', 'all_metadata.json'), 'utf8'));
    if (meta.question.save_file_type === format) return dir;
  }
  throw new Error(`no ${format} task was built`);
}

/** The same invariant for parquet, read through DuckDB (the Debian Python lacks pyarrow). */
async function checkParquetInvariant(dir: string): Promise<void> {
  const meta = JSON.parse(await readFile(join(dir, 'verify', 'all_metadata.json'), 'utf8')).question;
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  const read = async (name: string) => {
    const reader = await connection.runAndReadAll(
      `SELECT * FROM read_parquet('${join(dir, 'source', name)}')`,
    );
    return { names: reader.columnNames(), rows: reader.getRowsJson() };
  };
  const noisy = await read('train_v1.parquet');
  const clean = await read('train_v1_no_err.parquet');
  connection.closeSync();
  db.closeSync();
  expect(noisy.names).toEqual(clean.names);
  const ok = (row: unknown[]) =>
    Object.entries(meta.expected_ranges as Record<string, unknown[]>).every(([column, allowed]) => {
      const value = row[noisy.names.indexOf(column)];
      if (value === null) return true;
      if (meta.column_type_inference[column] === 'numerical')
        return Number(value) >= Number(allowed[0]) && Number(value) <= Number(allowed[1]);
      return allowed.some((a) => String(a) === String(value) || Number(a) === Number(value));
    });
  const kept = noisy.rows.filter(ok);
  expect(kept.length, dir).toBeLessThan(noisy.rows.length);
  expect(kept, dir).toEqual(clean.rows);
}
