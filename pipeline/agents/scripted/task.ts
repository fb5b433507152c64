import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Family, Variant } from '../../score/report.ts';
import { parseLenientJson } from '../../util/lenient-json.ts';
import type { PythonExecutorCall } from '../policy.ts';

/** What a scripted agent knows of its task: found in the release by the question it was asked. */
export interface ScriptedTask {
  task: string;
  family: Family;
  variant: Variant;
  /** `if` | `mm` for tabular v1 | v2, `xf` | `cf` for time series v1 | v2. */
  mode: 'if' | 'mm' | 'xf' | 'cf';
  neededFiles: string[];
  /** The task folder (source/ + verify/) inside the release. */
  dir: string;
}

const entrySchema = z.looseObject({
  file_path: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  question_v1: z.string(),
  question_v2: z.string(),
  task: z.enum(['classification', 'regression', 'time_series_analysis']),
  needed_files_v1: z.array(z.string()),
  needed_files_v2: z.array(z.string()),
});

/** The release's question list, read once per policy (a policy is a synchronous function). */
export function readQuestionList(releaseDir: string): z.infer<typeof entrySchema>[] {
  const path = join(releaseDir, 'question_list.json');
  const parsed = z.array(entrySchema).safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}: not a DARE question list: ${parsed.error.message}`);
  return parsed.data;
}

/** The task whose v1 or v2 question is exactly `question`, or null. */
export function findTask(
  entries: readonly z.infer<typeof entrySchema>[],
  releaseDir: string,
  question: string,
): ScriptedTask | null {
  for (const entry of entries) {
    for (const variant of ['v1', 'v2'] as const) {
      if (entry[`question_${variant}`] !== question) continue;
      const timeSeries = entry.task === 'time_series_analysis';
      const mode = timeSeries ? (variant === 'v1' ? 'xf' : 'cf') : variant === 'v1' ? 'if' : 'mm';
      return {
        task: entry.file_path,
        family: entry.task,
        variant,
        mode,
        neededFiles: entry[`needed_files_${variant}`],
        dir: join(releaseDir, 'databases', entry.file_path),
      };
    }
  }
  return null;
}

/** The task's all_metadata.json question (published files hold bare NaN: the lenient reader). */
export function readQuestionMetadata(task: ScriptedTask): Record<string, unknown> {
  const path = join(task.dir, 'verify', 'all_metadata.json');
  const parsed = parseLenientJson(readFileSync(path, 'utf8'));
  const metadata = z
    .object({ question: z.record(z.string(), z.unknown()) })
    .safeParse(parsed.ok ? parsed.value : null);
  if (!metadata.success) throw new Error(`${path}: no "question" object; is this a DARE task folder?`);
  return metadata.data.question;
}

const programs = new Map<string, string>();

/**
 * A fixed program of verifiers/agents/, sent as one text: the verifier's canonical cells and
 * range filter (verifiers/checks/ranges.py) and the shared table helpers ahead of it.
 */
export function program(name: 'reference' | 'baseline' | 'cheater'): string {
  const read = (file: string) =>
    readFileSync(fileURLToPath(new URL(`../../../verifiers/${file}`, import.meta.url)), 'utf8');
  let text = programs.get(name);
  if (text === undefined) {
    text = `${read('checks/ranges.py')}\n\n${read('agents/tables.py')}\n\n${read(`agents/${name}.py`)}`;
    programs.set(name, text);
  }
  return text;
}

/** A job's code: its parameters as one JSON literal (data, never spliced names), then the program. */
export function withParameters(parameters: unknown, code: string): string {
  return `import json\nTASK = json.loads(${JSON.stringify(JSON.stringify(parameters))})\n\n${code}`;
}

/** A scripted agent's one tool call: the program `name` with `parameters`, on the task's files, saving prediction.csv. */
export function programCall(
  name: 'reference' | 'baseline' | 'cheater',
  parameters: unknown,
  task: ScriptedTask,
): PythonExecutorCall {
  return {
    code: withParameters(parameters, program(name)),
    files_to_load: task.neededFiles,
    files_to_save: ['prediction.csv'],
  };
}

/** The file names a task's question puts in backticks that are not files: its target names. */
export function backtickedNames(question: string): string[] {
  const names = [...question.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '');
  return [...new Set(names.filter((name) => name && !/\.(csv|sqlite|parquet|txt|json)$/.test(name)))];
}
