import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import { type CorpusReadLimits, defaultReadLimits, readJsonInside } from '../util/inside.ts';
import { families, type ScoreReport, type TaskScore, type Variant, type VariantChoice } from './report.ts';
import { summarise } from './summary.ts';
import { scoreTask } from './task.ts';

export type { ScoreReport, TaskScore, VariantChoice } from './report.ts';
export { formatTable } from './summary.ts';

export interface ScoreOptions {
  /** A folder in the published layout: question_list.json + databases/<task>/{source,verify}. */
  corpus: string;
  /**
   * One folder per task, named as the task: `<task>/prediction.csv` when one variant is
   * scored (the published evaluator's layout), `<task>/v1/prediction.csv` and
   * `<task>/v2/prediction.csv` for `both`.
   */
  predictions: string;
  variant: VariantChoice;
  rlReward?: boolean;
  /** Size caps (the config's corpus.limits); the defaults when left out. */
  limits?: CorpusReadLimits;
}

const questionListSchema = z.array(
  z.object({
    file_path: z
      .string()
      .regex(/^[^/\\]+$/, 'must be a folder name under databases/')
      .refine((name) => name !== '.' && name !== '..', 'must be a folder name under databases/'),
    task: z.enum(families),
  }),
);

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function readQuestionList(corpus: string, limits: CorpusReadLimits) {
  const path = join(corpus, 'question_list.json');
  const read = await readJsonInside(corpus, 'question_list.json', limits.maxMetadataBytes);
  if (!read.ok && read.reason === 'missing') {
    throw new UserError(
      `--corpus ${corpus}: no question_list.json there. Point --corpus at a folder holding question_list.json and databases/ (the published DARE-bench layout, e.g. a release's eval/ folder).`,
    );
  }
  if (!read.ok) {
    throw new UserError(
      `${path}: cannot be read (${read.reason}: ${read.detail}); regenerate it or fix the file.`,
    );
  }
  const parsed = questionListSchema.safeParse(read.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      `${path}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}. Each entry needs file_path (the task folder) and task (${families.join(' | ')}).`,
    );
  }
  return parsed.data;
}

function predictionLabel(task: string, variant: Variant, choice: VariantChoice): string {
  return choice === 'both' ? `${task}/${variant}/prediction.csv` : `${task}/prediction.csv`;
}

/**
 * Scores a predictions folder against a corpus with the benchmark's metrics. Tasks come in
 * question_list.json order sorted by folder name then variant, so the report is
 * byte-identical for the same inputs. Prediction problems score 0 with a reason; tasks the
 * corpus cannot score (no reference output yet) are `unscorable` and left out of the means.
 */
export async function scoreCorpus(options: ScoreOptions): Promise<ScoreReport> {
  const { corpus, predictions, variant } = options;
  if (!(await isDirectory(corpus))) {
    throw new UserError(
      `--corpus ${corpus}: not a folder. Give the folder holding question_list.json and databases/.`,
    );
  }
  if (!(await isDirectory(predictions))) {
    throw new UserError(
      `--predictions ${predictions}: not a folder. Give the folder holding one <task-folder>/prediction.csv per task (see --help).`,
    );
  }
  const limits = options.limits ?? defaultReadLimits();
  const questions = await readQuestionList(corpus, limits);
  const databases = join(corpus, 'databases');
  if (!(await isDirectory(databases))) {
    throw new UserError(
      `--corpus ${corpus}: no databases/ folder beside question_list.json; the corpus is incomplete.`,
    );
  }
  const chosen: Variant[] = variant === 'both' ? ['v1', 'v2'] : [variant];
  const entries = [...new Map(questions.map((q) => [q.file_path, q])).values()].sort((a, b) =>
    a.file_path < b.file_path ? -1 : a.file_path > b.file_path ? 1 : 0,
  );
  const tasks: TaskScore[] = [];
  for (const entry of entries) {
    for (const taskVariant of chosen) {
      const label = predictionLabel(entry.file_path, taskVariant, variant);
      tasks.push(
        await scoreTask({
          corpus,
          task: entry.file_path,
          family: entry.task,
          variant: taskVariant,
          predictions,
          predictionLabel: label,
          rlReward: options.rlReward ?? false,
          limits,
        }),
      );
    }
  }
  const known = new Set(entries.map((e) => e.file_path));
  const folders = await readdir(predictions, { withFileTypes: true });
  const unmatched = folders
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && !known.has(d.name))
    .map((d) => d.name)
    .sort();
  return {
    format: 'dare-forge.scores/1',
    variant,
    rl_reward: options.rlReward ?? false,
    tasks,
    summary: summarise(tasks),
    unmatched_prediction_folders: unmatched,
  };
}
