import { copyScorer, jsonl, scoringSpec, template, writeOut } from './files.ts';
import type { ExportSource, ExportVariant } from './tasks.ts';

/**
 * One Inspect AI Sample: `files` copy the task's files (relative to the dataset file) into
 * the sandbox; `target` is the ground-truth CSV, which only the scorer reads.
 */
export function inspectSample(v: ExportVariant) {
  return {
    id: v.id,
    input: v.question,
    target: v.truthText,
    metadata: { ...scoringSpec(v), license: v.license, title: v.title },
    files: Object.fromEntries(v.neededFiles.map((name) => [name, `files/${v.task}/${name}`])),
  };
}

/** `<split>.jsonl` (json_dataset) + scorer.py (dare_scorer). */
export async function writeInspect(out: string, source: ExportSource): Promise<void> {
  await writeOut(out, `${source.split}.jsonl`, jsonl(source.variants.map(inspectSample)));
  await writeOut(out, 'scorer.py', await template('inspect_scorer.py'));
  await copyScorer(out);
}
