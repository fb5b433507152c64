import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusReportSchema } from '../../pipeline/stages/verify/corpus.ts';
import { testdir } from '../support/testdir.ts';
import { databases } from '../verifiers/fixtures.ts';
import { dareForge } from './support.ts';

const kept = 'abhinav099802_algerian-forest-fire-dataset-no-errors_class';
const tampered = 'ahmetarifsari_izmir-water_reg';

/** A two-task corpus: one as published, one whose shipped predictions were edited. */
async function smallCorpus(): Promise<string> {
  const copy = await testdir();
  for (const task of [kept, tampered])
    await cp(join(databases, task), join(copy, 'databases', task), { recursive: true });
  const file = join(copy, 'databases', tampered, 'verify', 'simulated_pred_local.csv');
  const lines = (await readFile(file, 'utf8')).split('\n');
  const [rowId, value] = (lines[1] ?? '').split(',');
  lines[1] = `${rowId},${Number(value) * 2 + 1}`;
  await writeFile(file, lines.join('\n'));
  return copy;
}

describe('verify --corpus', () => {
  it('names the tasks behind each count and the drift size, in the terminal and in --json', async () => {
    const corpus = await smallCorpus();
    const out = await testdir();
    const args = ['verify', '--corpus', corpus, '--scope', 'reference', '--concurrency', '2'];
    const text = await dareForge([...args, '--out', join(out, 'a')]);
    expect(text.code, text.stderr).toBe(1);
    expect(text.stdout).toMatch(new RegExp(`drift_identical: 1\\n    ${kept}\\n`));
    expect(text.stdout).toMatch(
      new RegExp(`drift_values: 1\\n    ${tampered}: 1 cell\\(s\\), max relative difference \\d`),
    );
    expect(text.stdout).toMatch(
      /drift size: 1 task\(s\) moved, 1 cell\(s\) in all, max relative difference \d/,
    );
    const json = await dareForge([...args, '--out', join(out, 'b'), '--json']);
    expect(json.code).toBe(1);
    const report = corpusReportSchema.parse(JSON.parse(json.stdout));
    expect(report.breakdown.groups.drift_identical?.map((e) => e.task)).toEqual([kept]);
    const moved = report.breakdown.groups.drift_values?.[0];
    expect(moved).toMatchObject({ task: tampered, cells_differing: 1 });
    expect(moved?.max_relative_difference).toBeGreaterThan(0);
    expect(report.breakdown.drift_size).toMatchObject({ tasks_moved: 1, cells_differing: 1 });
    const verdictTasks = Object.entries(report.breakdown.groups)
      .filter(([key]) => key.startsWith('verdict_'))
      .flatMap(([, entries]) => entries.map((e) => e.task))
      .sort();
    expect(verdictTasks).toEqual([kept, tampered].sort());
    for (const entry of report.breakdown.groups.verdict_rejected ?? []) expect(entry.reason).toBeTruthy();
  }, 240_000);
});
