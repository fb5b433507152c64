import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { formatCsv, parseCsv } from '../../pipeline/util/csv.ts';
import { rng } from '../../pipeline/util/seed.ts';

export const evalFixtures = join(import.meta.dirname, '../../../shared/fixtures/dare-eval');

export type Family = 'classification' | 'regression' | 'time_series_analysis';
export interface FixtureTask {
  task: string;
  family: Family;
  targets: string[];
}

/** The fixture tasks with their targets, read straight from the published files. */
export function fixtureTasks(): FixtureTask[] {
  const questions: { file_path: string; task: Family }[] = JSON.parse(
    readFileSync(join(evalFixtures, 'question_list.json'), 'utf8'),
  );
  return questions.map((q) => {
    const metadata = JSON.parse(
      readFileSync(join(evalFixtures, 'databases', q.file_path, 'verify', 'all_metadata.json'), 'utf8'),
    );
    const target: string | string[] = metadata.question.target;
    return { task: q.file_path, family: q.task, targets: typeof target === 'string' ? [target] : target };
  });
}

/** Where the benchmark keeps the file a variant is scored against (the rule restated here). */
export function truthPath(task: FixtureTask, variant: 'v1' | 'v2'): string {
  const name =
    task.family === 'time_series_analysis'
      ? `ground_truth_${variant}.csv`
      : variant === 'v1'
        ? 'simulated_pred_local.csv'
        : 'ground_truth.csv';
  return join(evalFixtures, 'databases', task.task, 'verify', name);
}

export function csvHeader(path: string): string[] {
  const [header] = parseCsv(readFileSync(path, 'utf8').split('\n', 1)[0] ?? '');
  return (header ?? []).map((h) => h ?? '');
}

export async function copyInto(source: string, destination: string): Promise<void> {
  await mkdir(dirname(destination), { recursive: true });
  await copyFile(source, destination);
}

/** Rewrites a CSV with the target columns' cells permuted among rows (Fisher-Yates, seeded). */
export async function writeShuffled(
  source: string,
  destination: string,
  targets: readonly string[],
  seed: number,
) {
  const [header, ...rows] = parseCsv(await readFile(source, 'utf8'));
  const names = (header ?? []).map((h) => h ?? '');
  const next = rng(seed);
  const order = rows.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  const targetIndexes = targets.map((t) => names.indexOf(t));
  const shuffled = rows.map((row, i) => {
    const donor = rows[order[i] ?? i] ?? row;
    return row.map((cell, c) => (targetIndexes.includes(c) ? (donor[c] ?? null) : cell));
  });
  await mkdir(dirname(destination), { recursive: true });
  await writeFile(destination, formatCsv(names, shuffled));
}

export interface ExpectedJob {
  key: string;
  truth: string;
  prediction: string;
  targets: string[];
  ids: string[];
  metric: string;
}

/** Scores computed by pandas + scikit-learn (/usr/bin/python3) for the same files; null where they raise. */
export function expectedScores(jobs: readonly ExpectedJob[]): Record<string, number | null> {
  const output = execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'expected_scores.py')], {
    input: JSON.stringify(jobs),
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(output);
}

/** A corpus tree in the published layout: question_list.json + databases/<task>/verify/. */
export function corpusTree(
  tasks: readonly { task: string; family: Family; targets: string[]; verify: Record<string, string> }[],
): Record<string, string> {
  const tree: Record<string, string> = {
    'question_list.json': JSON.stringify(tasks.map((t) => ({ file_path: t.task, task: t.family }))),
  };
  for (const t of tasks) {
    tree[`databases/${t.task}/verify/all_metadata.json`] = JSON.stringify({
      question: { target: t.targets, problem_type: t.family },
    });
    for (const [name, text] of Object.entries(t.verify)) tree[`databases/${t.task}/verify/${name}`] = text;
  }
  return tree;
}
