import { z } from 'zod';
import { collectCorpusTasks } from '../release/collect.ts';
import type { Family, TaskScore, Variant } from '../score/report.ts';
import { scoreAgainstTruth } from '../score/task.ts';
import { loadTruth, type Truth } from '../score/truth.ts';
import type { CorpusReadLimits } from '../util/inside.ts';
import { lineCount, predictionFrom } from './completion.ts';

const familyNames = { class: 'classification', reg: 'regression', ts: 'time_series_analysis' } as const;

export interface RewardLimits {
  /** Largest request body, in bytes. */
  maxBodyBytes: number;
  /** Most items in one request. */
  maxBatch: number;
  /** Largest prediction text of one item, in bytes. */
  maxItemBytes: number;
  /** Most lines in one prediction. */
  maxItemRows: number;
}

export const defaultRewardLimits: RewardLimits = {
  maxBodyBytes: 64 * 1024 * 1024,
  maxBatch: 1024,
  maxItemBytes: 8 * 1024 * 1024,
  maxItemRows: 200_000,
};

/** OpenRLHF's remote reward request: one label per query; prompts are optional context. */
export const rewardRequestSchema = z.object({
  query: z.array(z.string()),
  prompts: z.array(z.unknown()).optional(),
  labels: z.array(z.string()),
});

export interface ItemResult {
  reward: number;
  score: number;
  predictionExists: boolean;
  reason: string | null;
}

interface KnownTask {
  corpus: string;
  task: string;
  family: Family;
}

/** The tasks of one or more release splits, and their ground truths loaded on first use. */
export class RewardTasks {
  private readonly truths = new Map<string, Promise<Truth>>();

  private constructor(
    private readonly tasks: ReadonlyMap<string, KnownTask>,
    private readonly limits: CorpusReadLimits,
  ) {}

  static async load(splits: readonly string[], limits: CorpusReadLimits): Promise<RewardTasks> {
    const tasks = new Map<string, KnownTask>();
    for (const corpus of splits) {
      const { tasks: found } = await collectCorpusTasks(corpus, limits);
      for (const t of found) tasks.set(t.task, { corpus, task: t.task, family: familyNames[t.family] });
    }
    return new RewardTasks(tasks, limits);
  }

  get size(): number {
    return this.tasks.size;
  }

  /** `<task>:<v1|v2>` -> the task and variant, or null for a label we do not know. */
  private resolve(label: string): { task: KnownTask; variant: Variant } | null {
    const match = /^(.+):(v1|v2)$/.exec(label);
    const task = match ? this.tasks.get(match[1] as string) : undefined;
    return task && match ? { task, variant: match[2] as Variant } : null;
  }

  private truth(task: KnownTask, variant: Variant): Promise<Truth> {
    const key = `${task.task}:${variant}`;
    let truth = this.truths.get(key);
    if (!truth) {
      truth = loadTruth({ corpus: task.corpus, task: task.task, limits: this.limits }, task.family, variant);
      this.truths.set(key, truth);
    }
    return truth;
  }

  /** One item: never throws; an unknown label or a refused prediction is a 0 with a reason. */
  async scoreItem(label: string, query: string, limits: RewardLimits): Promise<ItemResult> {
    const resolved = this.resolve(label);
    if (!resolved) return { reward: 0, score: 0, predictionExists: false, reason: 'unknown_task' };
    const { task, variant } = resolved;
    const text = predictionFrom(query);
    const refused = (reason: 'prediction_too_large', detail: string) =>
      ({ exists: true, failure: { reason, detail } }) as const;
    const prediction =
      text === null
        ? ({ exists: false } as const)
        : Buffer.byteLength(text) > limits.maxItemBytes
          ? refused('prediction_too_large', `over ${limits.maxItemBytes} bytes`)
          : lineCount(text) > limits.maxItemRows + 1
            ? refused('prediction_too_large', `over ${limits.maxItemRows} rows`)
            : ({ exists: true, text } as const);
    const scored: TaskScore = scoreAgainstTruth(
      { task: task.task, family: task.family, variant, predictionLabel: 'query', rlReward: true },
      await this.truth(task, variant),
      prediction,
    );
    if (scored.status === 'unscorable') {
      return { reward: 0, score: 0, predictionExists: scored.prediction_exists, reason: scored.reason };
    }
    return {
      reward: scored.reward ?? 0,
      score: scored.score ?? 0,
      predictionExists: scored.prediction_exists,
      reason: scored.reason,
    };
  }
}
