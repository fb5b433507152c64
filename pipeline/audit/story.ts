import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Context } from '../context.ts';
import type { DatasetId } from '../ids.ts';
import type { StatusRecord } from '../store/outcome.ts';
import { stageOrder } from '../store/paths.ts';
import { readStatus } from '../store/status.ts';
import { newestRelease } from './collect.ts';

export interface DatasetStory {
  dataset: string;
  stages: { stage: string; record: StatusRecord | null }[];
  /** The newest release and which of this dataset's tasks it holds (release is corpus-level). */
  release: { version: string; tasks: { task: string; split: string }[] } | null;
  artifacts: { path: string; bytes: number }[];
  draft: unknown;
  verdict: unknown;
}

async function walk(root: string, base: string): Promise<{ path: string; bytes: number }[]> {
  let names: string[];
  try {
    names = (await readdir(root, { recursive: true })).sort();
  } catch {
    return [];
  }
  const out = [];
  for (const name of names) {
    const info = await stat(join(root, name));
    if (info.isFile()) out.push({ path: relative(base, join(root, name)), bytes: info.size });
  }
  return out;
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return null;
  }
}

/** Everything known about one dataset: each stage's outcome, every artifact, its draft and verdict. */
export async function datasetStory(ctx: Context, id: DatasetId): Promise<DatasetStory> {
  const stages = [];
  for (const stage of stageOrder)
    stages.push({ stage, record: (await readStatus(ctx.paths, stage, id)) ?? null });
  const base = join(ctx.paths.processed, '..');
  const newest = await newestRelease(ctx.paths.splits);
  return {
    dataset: id,
    stages,
    release: newest
      ? {
          version: newest.version,
          tasks: newest.splits
            .filter((t) => t.task.slice(0, t.task.lastIndexOf('_')) === id)
            .map((t) => ({ task: t.task, split: t.split })),
        }
      : null,
    artifacts: [
      ...(await walk(ctx.paths.rawDir(id), base)),
      ...(await walk(ctx.paths.processedDir(id), base)),
    ],
    draft: await readJson(ctx.paths.artifact(id, 'draft.json')),
    verdict: await readJson(ctx.paths.artifact(id, 'verdict.json')),
  };
}

export function storyText(story: DatasetStory): string {
  const lines = [`Dataset ${story.dataset}`, ''];
  for (const { stage, record } of story.stages) {
    if (!record && stage === 'release') {
      const r = story.release;
      lines.push(
        !r
          ? '  release  no release yet (dare-forge release)'
          : r.tasks.length > 0
            ? `  release  ok  in ${r.version}: ${r.tasks.map((t) => `${t.task} (${t.split})`).join(', ')}`
            : `  release  not in release ${r.version} (no task of this dataset passed verify)`,
      );
      continue;
    }
    if (!record) {
      lines.push(`  ${stage.padEnd(8)} not run`);
      continue;
    }
    const o = record.outcome;
    const what = o.status === 'ok' ? 'ok' : `${o.status}(${o.reason})`;
    lines.push(
      `  ${stage.padEnd(8)} ${what}  ${record.duration_ms}ms  inputs ${record.inputs_hash.slice(0, 12)}`,
    );
    if (o.detail) lines.push(`           ${o.detail.split('\n').join('\n           ')}`);
  }
  const verdict = story.verdict as {
    tasks?: {
      task: string;
      status: string;
      reasons: string[];
      checks: { name: string; status: string; detail: string }[];
    }[];
  } | null;
  for (const task of verdict?.tasks ?? []) {
    lines.push(
      '',
      `Task ${task.task}: ${task.status}${task.reasons.length ? ` (${task.reasons.join(', ')})` : ''}`,
    );
    for (const check of task.checks) lines.push(`  ${check.status.padEnd(4)} ${check.name}: ${check.detail}`);
  }
  lines.push('', 'Artifacts');
  for (const a of story.artifacts) lines.push(`  ${a.path} (${a.bytes} bytes)`);
  return `${lines.join('\n')}\n`;
}
