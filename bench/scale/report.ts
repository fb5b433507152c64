import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const runRecord = z.looseObject({
  wall_ms: z.number(),
  stages: z.array(
    z.looseObject({
      stage: z.string(),
      total: z.number(),
      processed: z.number(),
      ok: z.number(),
      wall_ms: z.number(),
    }),
  ),
});
export type RunRecord = z.infer<typeof runRecord>;

/** The newest run record under processed/_runs (the summary the CLI wrote at the end). */
export async function latestRun(processed: string): Promise<RunRecord> {
  const dir = join(processed, '_runs');
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  const last = names[names.length - 1];
  if (!last) throw new Error(`no run record in ${dir}`);
  return runRecord.parse(JSON.parse(await readFile(join(dir, last), 'utf8')));
}

/** Task folders built under processed/<id>/tasks/. */
export async function countTasks(processed: string): Promise<number> {
  let count = 0;
  for (const id of await readdir(processed)) {
    if (id.startsWith('_')) continue;
    count += (await readdir(join(processed, id, 'tasks')).catch(() => [])).length;
  }
  return count;
}

export const TARGET_DATASETS = 3200;
export const TARGET_TASKS = 6300;
/**
 * The paper counts a task folder twice, once per variant (reference/dare-bench-format.md:
 * "each family counts twice: v1 and v2"; the released subset is 4,274 tasks from 2,137
 * datasets). Verify and release work per folder, so they are projected to 3,150 folders.
 */
export const TARGET_TASK_FOLDERS = TARGET_TASKS / 2;

export interface StageFigure {
  stage: string;
  processed: number;
  wallMs: number;
  perMinute: number;
  /** Projected for the target corpus: per dataset, or per task folder for verify and release. */
  projectedMs: number;
}

/** `tasks`: task folders built (each holds both variants of one family). */
export function stageFigures(run: RunRecord, tasks: number): StageFigure[] {
  return run.stages.map((stage) => {
    const perMinute = stage.wall_ms > 0 ? stage.processed / (stage.wall_ms / 60_000) : 0;
    // Verify works per task folder; release writes every folder built (its summary counts them).
    const perTask = stage.stage === 'verify' || stage.stage === 'release';
    const units = perTask ? tasks : stage.processed;
    const target = perTask ? TARGET_TASK_FOLDERS : TARGET_DATASETS;
    const projectedMs = units > 0 ? (stage.wall_ms / units) * target : stage.wall_ms;
    return { stage: stage.stage, processed: stage.processed, wallMs: stage.wall_ms, perMinute, projectedMs };
  });
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;

export function formatFigures(figures: readonly StageFigure[]): string {
  const rows = figures.map(
    (f) =>
      `  ${f.stage.padEnd(8)} ${String(f.processed).padStart(6)} processed  ${minutes(f.wallMs).padStart(10)}  ` +
      `${f.perMinute.toFixed(1).padStart(8)} ${f.stage === 'release' ? 'tasks' : 'datasets'}/min  projected ${minutes(f.projectedMs)}`,
  );
  const projected = figures.reduce((sum, f) => sum + f.projectedMs, 0);
  return [
    ...rows,
    `  projected wall time for ${TARGET_DATASETS.toLocaleString('en-US')} datasets / ${TARGET_TASKS.toLocaleString('en-US')} tasks ` +
      `(${TARGET_TASK_FOLDERS.toLocaleString('en-US')} task folders of two variants): ${minutes(projected)}`,
  ].join('\n');
}
