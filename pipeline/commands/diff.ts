import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.ts';
import type { Manifest, QuestionTexts } from '../release/manifest.ts';

interface DiffOptions {
  stat?: boolean;
  json?: boolean;
}

/** `dare-forge diff <a> <b>`: what changed between two release folders. */
export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description(
      'compare two releases: counts first (added, removed, changed, split moves, question texts), then each task',
    )
    .argument('<a>', 'the older release folder (holding manifest.json)')
    .argument('<b>', 'the newer release folder')
    .option('--stat', 'print only the summary')
    .option('--json', 'print the whole diff (summary and tasks) as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ dare-forge diff splits/1.0.0 splits/1.1.0\n  $ dare-forge diff splits/1.0.0 splits/1.1.0 --stat\n',
    )
    .action(async (a: string, b: string, options: DiffOptions) => {
      if (options.stat && options.json) throw new UserError('--stat and --json are exclusive; pick one');
      const { diffManifests, formatDiff, formatDiffSummary } = await import('../release/manifest.ts');
      const [before, after] = await Promise.all([readManifest(a), readManifest(b)]);
      const questions = { before: await readQuestions(a), after: await readQuestions(b) };
      const diff = diffManifests(before, after, questions);
      if (options.json) process.stdout.write(`${JSON.stringify(diff, null, 2)}\n`);
      else process.stdout.write(options.stat ? formatDiffSummary(diff) : formatDiff(diff));
    });
}

async function readManifest(dir: string): Promise<Manifest> {
  try {
    return JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    throw new UserError(`${dir}: no readable manifest.json; pass a release folder such as splits/1.0.0`);
  }
}

/** Question texts by task from both splits' question_list.json (the layout every release has). */
async function readQuestions(dir: string): Promise<QuestionTexts> {
  const { z } = await import('zod');
  const { readJsonInside, defaultReadLimits } = await import('../util/inside.ts');
  const entries = z.array(
    z.looseObject({ file_path: z.string(), question_v1: z.unknown(), question_v2: z.unknown() }),
  );
  const out: QuestionTexts = new Map();
  for (const split of ['train', 'eval']) {
    const path = `${split}/question_list.json`;
    const read = await readJsonInside(dir, path, defaultReadLimits().maxMetadataBytes);
    const parsed = read.ok ? entries.safeParse(read.value) : undefined;
    if (!parsed?.success)
      throw new UserError(
        `${join(dir, path)}: no readable question list (${read.ok ? 'not a list of task entries' : read.detail}); pass a release folder such as splits/1.0.0`,
      );
    for (const e of parsed.data)
      out.set(e.file_path, { question_v1: e.question_v1, question_v2: e.question_v2 });
  }
  return out;
}
