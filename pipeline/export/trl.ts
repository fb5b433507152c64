import { copyScorer, jsonl, template, writeOut } from './files.ts';
import type { ExportSource, ExportVariant } from './tasks.ts';

/**
 * One TRL row: `prompt` in chat form (what the policy sees) and task columns, which
 * GRPOTrainer passes to reward functions as keyword lists (ground_truth among them).
 */
export function trlRow(v: ExportVariant) {
  return {
    prompt: [{ role: 'user', content: v.question }],
    id: v.id,
    task: v.task,
    variant: v.variant,
    family: v.family,
    metric: v.metric,
    targets: v.targets,
    license: v.license,
    needed_files: v.neededFiles,
    files_dir: `files/${v.task}`,
    ground_truth: v.truthText,
  };
}

/** `<split>.jsonl` (load with datasets' json loader) + reward.py. */
export async function writeTrl(out: string, source: ExportSource): Promise<void> {
  await writeOut(out, `${source.split}.jsonl`, jsonl(source.variants.map(trlRow)));
  await writeOut(out, 'reward.py', await template('trl_reward.py'));
  await copyScorer(out);
}
