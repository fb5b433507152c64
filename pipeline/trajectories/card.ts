import type { SelectionStats, Strategy } from './select.ts';

export interface CardInput {
  model: string;
  release: string;
  licenses: readonly string[];
  strategies: readonly Strategy[];
  stats: SelectionStats;
  sampling: {
    samples: number;
    temperature: number;
    max_tokens: number;
    turns: number;
    tool_timeout_s: number;
    variants: readonly string[];
  };
}

const definitions: Record<Strategy, string> = {
  FV: 'the first valid trace (lowest sample index) of each task variant',
  AV: 'every valid trace',
  BV: 'the best valid trace of each task variant (highest score; ties to the lowest sample index)',
  DV: 'every valid trace of the diverse task variants',
};

function percent(part: number, whole: number): string {
  return whole === 0 ? '0.0%' : `${((100 * part) / whole).toFixed(1)}%`;
}

/** The dataset card (HF front matter + body): no timestamps, so the bytes are deterministic. */
export function datasetCard(input: CardInput): string {
  const { stats, sampling } = input;
  const licenses = [...new Set(input.licenses)].sort();
  const front = [
    '---',
    licenses.length === 1 ? `license: ${JSON.stringify(licenses[0])}` : 'license: other',
    ...(licenses.length > 1
      ? ['license_name: multiple', `license_details: ${JSON.stringify(licenses.join('; '))}`]
      : []),
    'task_categories:',
    '  - text-generation',
    'tags:',
    '  - dare-bench',
    '  - agent-trajectories',
    '  - tool-use',
    '  - sft',
    'configs:',
    ...input.strategies.flatMap((s) => [`  - config_name: ${s}`, `    data_files: ${s}.jsonl`]),
    '---',
  ];
  const body = [
    `# SFT trajectories of ${input.model} on ${input.release}`,
    '',
    'Rejection-sampled agent traces (DARE-bench protocol: one `python_executor` tool, work folder',
    'with the task files, prediction.csv scored by the benchmark metric). A trace is valid on an',
    'exact match for IF tasks, or at/above the paper thresholds for predictive ones',
    '(classification-MM >= 0.8, regression-MM >= 0.7, time-series XF >= 0.6, CF >= 0.3). A task',
    'variant is diverse when its traces include both a 0 and a 1 (IF) or the population variance',
    'of its scores is >= 0.15 (0.1 for CF).',
    '',
    '## Sampling',
    '',
    `- model: \`${input.model}\``,
    `- samples per task variant: ${sampling.samples}`,
    `- variants: ${sampling.variants.join(', ')}`,
    `- temperature: ${sampling.temperature}`,
    `- max tokens per call: ${sampling.max_tokens}`,
    `- model calls per trace at most: ${sampling.turns}`,
    `- seconds per tool call: ${sampling.tool_timeout_s}`,
    '',
    '## Counts',
    '',
    `- task variants sampled: ${stats.taskVariants}`,
    `- task variants with at least one valid trace: ${stats.solvedTaskVariants} (${percent(stats.solvedTaskVariants, stats.taskVariants)})`,
    `- diverse task variants: ${stats.diverseTaskVariants}`,
    `- traces: ${stats.traces}, valid: ${stats.validTraces}`,
    '',
    '| strategy | traces | definition |',
    '| --- | ---: | --- |',
    ...input.strategies.map((s) => `| ${s} | ${stats.counts[s]} | ${definitions[s]} |`),
    '',
    '## Format',
    '',
    'One JSON line per trace: `task`, `variant`, `family`, `sample`, `score`, `messages`',
    '(OpenAI-style: `user`, `assistant` with `tool_calls`, `tool` with `tool_call_id`) and `tools`',
    '(JSON schemas), as `datasets.load_dataset("json", ...)` and TRL `SFTTrainer` read them.',
    '',
    `Licenses: ${licenses.length === 0 ? 'unknown (no manifest.json)' : licenses.join(', ')} (each task keeps its dataset's license).`,
    '',
  ];
  return `${[...front, '', ...body].join('\n')}`;
}
