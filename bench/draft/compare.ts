import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Draft, FamilyKey } from '../../pipeline/stages/draft/schema.ts';

export const publishedRoot = new URL('../../../shared/fixtures/dare-eval/databases/', import.meta.url)
  .pathname;

export interface PublishedTask {
  folder: string;
  dataset: string;
  family: FamilyKey;
  target: string[];
  candidates: string[];
  /** Time series only. */
  time: { column: string; format: string } | null;
}

const allMetadataSchema = z.looseObject({
  question: z.looseObject({
    problem_type: z.enum(['classification', 'regression', 'time_series_analysis']),
    target: z.array(z.string()),
    target_candidates: z.array(z.string()).nullable().optional(),
    time_column: z.string().optional(),
    time_format: z.string().optional(),
  }),
});

export async function publishedTasks(): Promise<PublishedTask[]> {
  const tasks: PublishedTask[] = [];
  for (const folder of (await readdir(publishedRoot)).sort()) {
    const text = await readFile(join(publishedRoot, folder, 'verify', 'all_metadata.json'), 'utf8');
    const { question } = allMetadataSchema.parse(JSON.parse(text));
    tasks.push({
      folder,
      dataset: folder.replace(/_(class|reg|ts)$/, ''),
      family: question.problem_type === 'time_series_analysis' ? 'time_series' : question.problem_type,
      target: question.target,
      candidates: question.target_candidates ?? question.target,
      time:
        question.time_column && question.time_format
          ? { column: question.time_column, format: question.time_format }
          : null,
    });
  }
  return tasks;
}

export interface AgreementRow {
  task: PublishedTask;
  primary: FamilyKey | null;
  /** The drafter made the published family ok (primary or not). */
  familyOk: boolean;
  /** The drafted target of the published family, when ok. */
  target: string[] | null;
  typeAgrees: boolean;
  targetAgrees: boolean;
  /** Time series: the drafted time column and format equal the published ones. */
  timeAgrees: boolean | null;
}

/** Per published task; a dataset with two published tasks (class + reg) agrees on type if the primary is either. */
export function compareWithPublished(
  tasks: readonly PublishedTask[],
  drafts: ReadonlyMap<string, Draft>,
): AgreementRow[] {
  return tasks.map((task) => {
    const draft = drafts.get(task.dataset);
    const publishedFamilies = tasks
      .filter((other) => other.dataset === task.dataset)
      .map((other) => other.family);
    const primary = draft?.primary_family ?? null;
    const family = draft?.families[task.family];
    const target = family?.status === 'ok' ? family.decision.target : null;
    const series = draft?.families.time_series;
    const timeAgrees =
      task.time === null
        ? null
        : series?.status === 'ok' &&
          series.decision.time_column === task.time.column &&
          series.decision.time_format === task.time.format;
    return {
      task,
      primary,
      familyOk: family?.status === 'ok',
      target,
      typeAgrees: primary !== null && publishedFamilies.includes(primary),
      targetAgrees: target !== null && target[0] !== undefined && task.target.includes(target[0]),
      timeAgrees,
    };
  });
}

const pct = (n: number, d: number) => `${n}/${d} = ${d === 0 ? '-' : ((100 * n) / d).toFixed(1)}%`;

export function formatAgreement(rows: readonly AgreementRow[]): string {
  const short = (family: string | null) =>
    family === null
      ? '-'
      : family.replace('classification', 'class').replace('regression', 'reg').replace('time_series', 'ts');
  const lines = [
    ['task', 'published', 'drafted', 'type', 'published target', 'drafted target', 'target'].join(' | '),
  ];
  for (const row of rows) {
    lines.push(
      [
        row.task.folder.slice(0, 60),
        short(row.task.family),
        `${short(row.primary)}${row.familyOk ? '' : ' (family declined)'}`,
        row.typeAgrees ? 'ok' : 'NO',
        row.task.target.join(', '),
        row.target?.join(', ') ?? '-',
        row.targetAgrees ? 'ok' : 'NO',
      ].join(' | '),
    );
  }
  const datasets = new Map<string, boolean>();
  for (const row of rows) datasets.set(row.task.dataset, row.typeAgrees);
  const typeOk = [...datasets.values()].filter(Boolean).length;
  const families = rows.filter((row) => row.familyOk).length;
  const targets = rows.filter((row) => row.targetAgrees).length;
  const series = rows.filter((row) => row.timeAgrees !== null);
  const times = series.filter((row) => row.timeAgrees).length;
  lines.push(
    '',
    `problem type (primary family) agrees: ${pct(typeOk, datasets.size)} datasets`,
    `published family drafted ok:           ${pct(families, rows.length)} tasks`,
    `target agrees (drafted target in published targets): ${pct(targets, rows.length)} tasks`,
    `time column + strftime format agree: ${pct(times, series.length)} time-series tasks`,
  );
  for (const family of ['classification', 'regression', 'time_series'] as const) {
    const subset = rows.filter((row) => row.task.family === family);
    lines.push(
      `  ${family}: type ${pct(subset.filter((r) => r.typeAgrees).length, subset.length)}, target ${pct(subset.filter((r) => r.targetAgrees).length, subset.length)}`,
    );
  }
  return lines.join('\n');
}
