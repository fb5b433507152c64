import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Config } from '../config/schema.ts';
import { planRuns, runEval } from '../eval/index.ts';
import { createEvalModel, modelSlug, parseModelSpec } from '../eval/model/create.ts';
import { type RunRecord, readRunRecords } from '../eval/record.ts';
import { readEvalTasks, selectTasks } from '../eval/tasks.ts';
import type { Logger } from '../logger.ts';
import type { Executor } from '../sandbox/contract.ts';
import { formatJson, writeFileAtomic } from '../store/atomic.ts';
import { readLimitsFrom } from '../util/inside.ts';
import { type Calibration, calibrate } from './calibration.ts';

export interface CalibrationOptions {
  /** The release's eval folder (question_list.json + databases/). */
  release: string;
  models: string[];
  repeats: number;
  turns: number;
  toolTimeoutS: number;
  concurrency: number;
  config: Config;
  executor: Executor;
  logger: Logger;
  progress?: (line: string) => void;
}

/** `splits/<v>/calibration/calibration.json`: beside the release's DARE folders, never inside. */
export function calibrationPath(release: string): string {
  return join(dirname(release), 'calibration', 'calibration.json');
}

/**
 * Each model on every task and variant, with its data and without it (the shortcut check):
 * runs whose record exists are read, the missing ones are run (eval resumes), then the
 * records are calibrated and written atomically.
 */
export async function runCalibration(
  options: CalibrationOptions,
): Promise<{ path: string; calibration: Calibration }> {
  const limits = readLimitsFrom(options.config.corpus.limits);
  const tasks = selectTasks(await readEvalTasks(options.release, limits), undefined);
  const runs = planRuns(tasks, ['v1', 'v2'], options.repeats);
  const records: RunRecord[] = [];
  for (const model of options.models) {
    const spec = parseModelSpec(model);
    for (const noData of [false, true]) {
      const outDir = join(
        dirname(options.release),
        'eval-results',
        `${modelSlug(spec)}${noData ? '-no-data' : ''}`,
      );
      const created = await createEvalModel({
        spec,
        config: options.config,
        tool: { timeoutS: options.toolTimeoutS, maxFileSizeMb: 200, maxTurns: options.turns },
        releaseDir: options.release,
        cacheRoot: outDir,
        logger: options.logger,
      });
      try {
        await runEval({
          release: options.release,
          outDir,
          runs,
          model: created.model,
          executor: options.executor,
          turns: options.turns,
          toolTimeoutS: options.toolTimeoutS,
          memoryLimitMb: options.config.verify.limits.memory_limit_mb,
          maxFileBytes: 200 * 1024 ** 2,
          limits,
          noData,
          concurrency: options.concurrency,
          ...(options.progress ? { progress: options.progress } : {}),
        });
      } finally {
        await created.close();
      }
      const wanted = new Set(runs.map((run) => `${run.task}.${run.variant}.r${run.repeat}`));
      const own = await readRunRecords(join(outDir, 'runs'));
      records.push(...own.filter((r) => wanted.has(`${r.task}.${r.variant}.r${r.repeat}`)));
    }
  }
  const calibration = calibrate(records);
  const path = calibrationPath(options.release);
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, formatJson(calibration));
  return { path, calibration };
}
