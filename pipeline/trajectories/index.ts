import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { type EvalOptions, planRuns, runEval } from '../eval/index.ts';
import { readRunRecord } from '../eval/record.ts';
import type { EvalTask } from '../eval/tasks.ts';
import type { ToolSettings } from '../eval/tool.ts';
import type { Variant } from '../score/report.ts';
import { writeFileAtomic } from '../store/atomic.ts';
import { readJsonInside } from '../util/inside.ts';
import { datasetCard } from './card.ts';
import { type ChatExample, chatTools, parseTrajectory, toChatMessages } from './chat.ts';
import { type SelectionStats, type Strategy, selectionStats, selectTraces, type Trace } from './select.ts';

export interface TrajectoryOptions extends Omit<EvalOptions, 'runs' | 'noData'> {
  tasks: readonly EvalTask[];
  variants: readonly Variant[];
  samples: number;
  strategies: readonly Strategy[];
  tool: ToolSettings;
  sampling: { temperature: number; max_tokens: number };
}

export interface TrajectoryResult {
  stats: SelectionStats;
  /** Files written (empty when --max-cost-usd stopped sampling before every run was done). */
  files: string[];
  done: number;
  skipped: number;
  notStarted: number;
  spentUsd: number;
}

interface SampledTrace extends Trace {
  file: string;
}

const manifestSchema = z.looseObject({
  tasks: z.array(z.looseObject({ task: z.string(), license: z.string() })).default([]),
});

async function readLicenses(options: TrajectoryOptions): Promise<Map<string, string>> {
  const read = await readJsonInside(
    dirname(options.release),
    'manifest.json',
    options.limits.maxMetadataBytes,
  );
  const parsed = read.ok ? manifestSchema.safeParse(read.value) : undefined;
  return new Map((parsed?.success ? parsed.data.tasks : []).map((t) => [t.task, t.license]));
}

async function toExample(trace: SampledTrace, options: TrajectoryOptions): Promise<ChatExample> {
  const text = await readFile(trace.file, 'utf8');
  return {
    task: trace.task,
    variant: trace.variant,
    family: trace.family,
    sample: trace.sample,
    score: trace.score ?? 0,
    messages: toChatMessages(parseTrajectory(text, trace.file)),
    tools: chatTools(options.tool),
  };
}

/**
 * Rejection sampling through the eval harness: `samples` runs (repeats) of every task variant,
 * resumable and costed like eval (records skip, the LLM cache replays, --max-cost-usd stops),
 * then one chat JSONL per strategy and a dataset card in `outDir`.
 */
export async function runTrajectories(options: TrajectoryOptions): Promise<TrajectoryResult> {
  const runs = planRuns(options.tasks, options.variants, options.samples);
  const evaluated = await runEval({ ...options, runs, noData: false });
  const runsDir = join(options.outDir, 'runs');
  const traces: SampledTrace[] = [];
  for (const run of runs) {
    const record = await readRunRecord(runsDir, run);
    if (!record) continue;
    traces.push({
      task: record.task,
      family: record.family,
      variant: record.variant,
      sample: record.repeat,
      score: record.score,
      file: join(runsDir, `${run.task}.${run.variant}.r${run.repeat}.trajectory.jsonl`),
    });
  }
  const stats = selectionStats(traces, options.strategies);
  const base = {
    done: evaluated.done,
    skipped: evaluated.skipped,
    notStarted: evaluated.notStarted,
    spentUsd: evaluated.spentUsd,
    stats,
  };
  if (evaluated.notStarted > 0) return { ...base, files: [] };
  const files: string[] = [];
  for (const strategy of options.strategies) {
    const lines: string[] = [];
    for (const trace of selectTraces(traces, strategy)) {
      lines.push(JSON.stringify(await toExample(trace, options)));
    }
    const file = join(options.outDir, `${strategy}.jsonl`);
    await writeFileAtomic(file, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
    files.push(file);
  }
  const licenses = await readLicenses(options);
  const card = datasetCard({
    model: options.model.spec,
    release: options.release.split(/[\\/]/).slice(-3).join('/'),
    licenses: options.tasks.flatMap((t) => licenses.get(t.task) ?? []),
    strategies: options.strategies,
    stats,
    sampling: {
      samples: options.samples,
      temperature: options.sampling.temperature,
      max_tokens: options.sampling.max_tokens,
      turns: options.tool.maxTurns,
      tool_timeout_s: options.tool.timeoutS,
      variants: options.variants,
    },
  });
  const cardFile = join(options.outDir, 'README.md');
  await writeFileAtomic(cardFile, card);
  files.push(cardFile);
  return { ...base, files };
}
