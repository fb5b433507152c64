import { spawnSync } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CorpusOptions, corpusReportSchema, verifyCorpus } from '../../pipeline/stages/verify/corpus.ts';
import { sha256File } from '../../pipeline/util/hash.ts';
import { testdir } from '../support/testdir.ts';
import { blasSensitive, databases } from '../verifiers/fixtures.ts';
import { checks, usePool } from './support.ts';

/** Whether the verifier's Python can read parquet: then the parquet tasks regenerate too. */
const hasPyarrow = spawnSync('/usr/bin/python3', ['-c', 'import pyarrow']).status === 0;

const pool = usePool();
const corpus = join(databases, '..');
const shipped = (task: string) => join(databases, task, 'verify', 'simulated_pred_local.csv');

function options(overrides: Partial<CorpusOptions> & Pick<CorpusOptions, 'corpus' | 'out'>): CorpusOptions {
  return {
    executor: pool(),
    checks,
    runTimeoutS: 120,
    memoryLimitMb: 2048,
    scope: 'reference',
    concurrency: 2,
    ...overrides,
  };
}

describe('verify --corpus on the published fixtures', () => {
  it('regenerates every csv/sqlite IF prediction without drift, twice, and never writes into the corpus', async () => {
    const before = await sha256File(shipped('ahmetarifsari_izmir-water_reg'));
    const outs = [await testdir(), await testdir()];
    const reports = [];
    for (const out of outs) reports.push(await verifyCorpus(options({ corpus, out })));
    const [first, second] = reports;
    expect(
      corpusReportSchema.parse(JSON.parse(await readFile(join(outs[0] ?? '', 'verify-report.json'), 'utf8'))),
    );
    const tabular = first?.tasks.filter((t) => t.verdict.family !== 'ts') ?? [];
    const regenerated = tabular.filter((t) => t.verdict.status !== 'env_missing_pyarrow');
    expect(regenerated).toHaveLength(hasPyarrow ? 25 : 19);
    for (const entry of regenerated) {
      expect(entry.verdict.checks[0]?.status, entry.task).toBe('pass');
      // Five regression fits may move their last digit with the CPU's BLAS kernel and thread count
      // (see test/verifiers): for them a last-digit drift is allowed, never any other kind.
      if (blasSensitive.has(entry.task))
        expect(['identical', 'float'], entry.task).toContain(entry.drift.kind);
      else expect(entry.drift.kind, entry.task).toBe('identical');
      const ours = await readFile(
        join(outs[0] ?? '', 'databases', entry.task, 'verify', 'simulated_pred_local.csv'),
      );
      const again = await readFile(
        join(outs[1] ?? '', 'databases', entry.task, 'verify', 'simulated_pred_local.csv'),
      );
      expect(ours.equals(again), `${entry.task} is identical across runs`).toBe(true);
    }
    const floats = regenerated.filter((t) => t.drift.kind === 'float').length;
    expect(first?.summary.drift_float).toBe(floats);
    expect(first?.summary.drift_identical).toBe(regenerated.length - floats);
    expect(first?.summary.verdict_env_missing_pyarrow).toBe(hasPyarrow ? 0 : 6);
    expect(second?.tasks.map((t) => [t.task, t.drift.kind])).toEqual(
      first?.tasks.map((t) => [t.task, t.drift.kind]),
    );
    expect(await sha256File(shipped('ahmetarifsari_izmir-water_reg'))).toBe(before);
  });

  it('reports a tampered shipped file as drift', async () => {
    const task = 'abhinav099802_algerian-forest-fire-dataset-no-errors_class';
    const copy = await testdir();
    await cp(join(databases, task), join(copy, 'databases', task), { recursive: true });
    const file = join(copy, 'databases', task, 'verify', 'simulated_pred_local.csv');
    const lines = (await readFile(file, 'utf8')).split('\n');
    const [rowId, label] = (lines[1] ?? '').split(',');
    lines[1] = `${rowId},${label === 'fire' ? 'not fire' : 'fire'}`;
    await writeFile(file, lines.join('\n'));
    // Some published all_metadata.json files hold bare NaN: they are read leniently.
    const metadata = join(copy, 'databases', task, 'verify', 'all_metadata.json');
    const text = await readFile(metadata, 'utf8');
    await writeFile(metadata, text.replace(/"question":\s*\{/, '"question": {"usability_probe": NaN, '));

    const report = await verifyCorpus(options({ corpus: copy, out: await testdir() }));
    expect(report.tasks[0]?.drift).toEqual({
      kind: 'values',
      cells_differing: 1,
      max_relative_difference: 0,
    });
  });

  it('refuses an output folder inside the corpus', async () => {
    const copy = await testdir({ 'databases/a_b_ts/verify/all_metadata.json': '{}' });
    await expect(verifyCorpus(options({ corpus: copy, out: join(copy, 'out') }))).rejects.toThrow(
      /inside the corpus/,
    );
  });
});
