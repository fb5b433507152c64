import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../context.ts';
import { formatJson, writeFileAtomic } from '../store/atomic.ts';
import { sha256File } from '../util/hash.ts';
import { compareCodeUnits } from '../util/order.ts';
import { copyTaskPart } from './copy.ts';
import { croissant } from './croissant.ts';
import { listFiles, type TaskRow, taskRows, toJsonl, writeParquet } from './exports.ts';
import type { ReleasePlan } from './plan.ts';

/**
 * The writers of a release folder, each following the plan: the DARE layout per split, the
 * contamination report, the task-table exports and croissant.json.
 */

/** train/ and eval/ (source/ and verify/ of each task, question_list.json) and open_license/. */
export async function writeSplits(temp: string, plan: ReleasePlan): Promise<TaskRow[]> {
  const rows: TaskRow[] = [];
  for (const split of ['train', 'eval'] as const) {
    const inSplit = plan.tasks.filter((t) => t.split === split);
    await mkdir(join(temp, split, 'databases'), { recursive: true });
    // Only source/ and verify/ are the published layout; build bookkeeping stays behind.
    for (const { task } of inSplit) {
      for (const part of ['source', 'verify']) {
        await copyTaskPart(join(task.dir, part), join(temp, split, 'databases', task.task, part));
      }
    }
    await writeFileAtomic(
      join(temp, split, 'question_list.json'),
      publishedJson(inSplit.map((t) => t.task.entry)),
    );
    await mkdir(join(temp, 'open_license'), { recursive: true });
    await writeFileAtomic(
      join(temp, 'open_license', `${split}_question_list.json`),
      publishedJson(inSplit.filter((t) => t.open).map((t) => t.task.entry)),
    );
    for (const t of inSplit) rows.push(...taskRows(t.task, split, t.license.id, t.open));
  }
  return rows;
}

/** question_list.json as the published release writes it: 2-space JSON, keys in entry order. */
function publishedJson(entries: readonly Record<string, unknown>[]): string {
  const sorted = [...entries].sort((a, b) => compareCodeUnits(String(a.file_path), String(b.file_path)));
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

/** verdicts.jsonl and contamination.json: what was checked, and which datasets are near-copies. */
export async function writeChecks(
  temp: string,
  plan: ReleasePlan,
  sharedRows: Record<string, number>,
  settings: Context['config']['release'],
): Promise<void> {
  const verdicts = plan.tasks.filter((t) => t.task.verdict).map((t) => JSON.stringify(t.task.verdict));
  await writeFileAtomic(join(temp, 'verdicts.jsonl'), verdicts.length ? `${verdicts.join('\n')}\n` : '');
  await writeFileAtomic(
    join(temp, 'contamination.json'),
    formatJson({
      groups: plan.groups,
      links: plan.links,
      shared_train_val_rows: sharedRows,
      thresholds: {
        row_jaccard: settings.dedup_row_jaccard,
        column_overlap: settings.dedup_column_overlap,
        sketch_size: settings.sketch_size,
      },
    }),
  );
}

/** hf/tasks.jsonl and the byte-stable hf/tasks.parquet made from it. */
export async function writeExports(ctx: Context, temp: string, rows: readonly TaskRow[]): Promise<void> {
  await mkdir(join(temp, 'hf'), { recursive: true });
  await writeFileAtomic(join(temp, 'hf', 'tasks.jsonl'), toJsonl(rows));
  await writeParquet(() => ctx.duckdb(), join(temp, 'hf', 'tasks.jsonl'), join(temp, 'hf', 'tasks.parquet'));
}

/** croissant.json over every file written so far (the manifest comes after it). */
export async function writeCroissant(
  ctx: Context,
  temp: string,
  plan: ReleasePlan,
  version: string,
  variants: number,
): Promise<void> {
  const name = ctx.config.corpus.name;
  const published =
    plan.tasks
      .map((t) => t.task.lastUpdated ?? '')
      .sort()
      .at(-1) || '1970-01-01T00:00:00Z';
  const licenses = new Set(plan.tasks.map((t) => `https://spdx.org/licenses/${t.license.id}.html`));
  const document = croissant({
    name,
    version,
    description: `DARE-bench-style verifiable data-science tasks (${plan.tasks.length} task folders, ${variants} task variants) built by dare-forge.`,
    url: `https://example.org/${name}/${version}`,
    datePublished: published.slice(0, 10),
    licenses: [...licenses].sort(),
    files: await describeFiles(temp),
  });
  await writeFileAtomic(join(temp, 'croissant.json'), `${JSON.stringify(document, null, 2)}\n`);
}

/** Every file of the release folder but manifest.json, with its digest and size. */
export async function describeFiles(root: string) {
  const out = [];
  for (const path of await listFiles(root)) {
    if (path === 'manifest.json') continue;
    const full = join(root, path);
    out.push({ path, sha256: await sha256File(full), bytes: (await stat(full)).size });
  }
  return out;
}
