import { compareCodeUnits } from '../util/order.ts';
import type { Manifest } from './manifest.ts';

function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function licenseDistribution(manifest: Manifest): string {
  const rows = Object.entries(manifest.counts.by_license)
    .sort(([a], [b]) => compareCodeUnits(a, b))
    .map(([license, n]) => [license, n.train, n.eval, n.train + n.eval]);
  return [
    `# License distribution, release ${manifest.version}`,
    '',
    'Tasks per normalised license (SPDX-style ids) and split. The open-license subset is listed in',
    '`open_license/`.',
    '',
    table(['license', 'train', 'eval', 'total'], rows),
    '',
    `Open-license subset: ${manifest.counts.open_license.train} train, ${manifest.counts.open_license.eval} eval tasks.`,
    '',
  ].join('\n');
}

/** The dataset card (README.md) of a release. */
export function datasetCard(manifest: Manifest, contaminationGroups: number, sharedRowTasks: number): string {
  const types = Object.entries(manifest.counts.by_task_type)
    .sort(([a], [b]) => compareCodeUnits(a, b))
    .map(([type, n]) => [type, n.train, n.eval]);
  return [
    `# ${manifest.corpus} ${manifest.version}`,
    '',
    'Verifiable data-science tasks for LLM agents in the DARE-bench layout, built by dare-forge.',
    'Each task folder holds both variants: v1 (instruction following, or exogenous forecasting for',
    'time series) and v2 (free modeling, or canonical forecasting).',
    '',
    '## Layout',
    '',
    '- `train/` and `eval/`: `question_list.json` + `databases/<task>/{source,verify}`, exactly as published.',
    '- `open_license/`: question lists of the open-license subset.',
    '- `manifest.json`: versions, seed, config hash, environment, counts and sha256 of every file.',
    '- `verdicts.jsonl`: the verification verdict of every task; `contamination.json`: near-duplicate groups.',
    '- `hf/tasks.jsonl`, `hf/tasks.parquet`: one row per task variant; `croissant.json`: Croissant 1.0 metadata.',
    '',
    '## Tasks',
    '',
    table(['task type', 'train', 'eval'], types),
    '',
    `Eval split: ${manifest.split.method}${manifest.split.cutoff ? `, datasets updated on or after ${manifest.split.cutoff}` : ''}.`,
    '',
    '## Decontamination',
    '',
    `${contaminationGroups} group(s) of datasets holding the same table were kept on one side of the split;`,
    `${sharedRowTasks} task(s) have validation rows identical to training rows (flagged in contamination.json).`,
    '',
    '## Reproducing',
    '',
    `Corpus seed ${manifest.corpus_seed}, config hash \`${manifest.config_hash.slice(0, 16)}\`, dare-forge ${manifest.code_version}.`,
    'Instruction-following ground truth depends on library versions; the environments it was verified in are',
    'recorded in manifest.json.',
    '',
  ].join('\n');
}
