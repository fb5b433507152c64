import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The folder of the editable sbatch templates shipped with dare-forge. */
export const TEMPLATE_DIR = join(import.meta.dirname, 'templates');
/** The CLI entry point the jobs run (through the same Node that submitted them). */
export const CLI_PATH = join(import.meta.dirname, '../../bin/dare-forge.js');

export interface TemplateValues {
  config: string;
  shards: number;
  version: string;
  workdir: string;
  logDir: string;
  node: string;
  cli: string;
}

/** A word the shell reads back as exactly `value`: paths come from users, so never spliced bare. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Fills `{{NAME}}` placeholders; an unknown one is a bug in the template, named in the error. */
export function renderTemplate(text: string, values: TemplateValues): string {
  const words: Record<string, string> = {
    CONFIG: shellQuote(values.config),
    SHARDS: String(values.shards),
    LAST_TASK: String(values.shards - 1),
    VERSION: shellQuote(values.version),
    WORKDIR: shellQuote(values.workdir),
    LOG_DIR: shellQuote(values.logDir),
    NODE: shellQuote(values.node),
    CLI: shellQuote(values.cli),
  };
  return text.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const word = words[name];
    if (word === undefined) throw new Error(`sbatch template: unknown placeholder {{${name}}}`);
    return word;
  });
}

export async function renderScripts(
  values: TemplateValues,
  templateDir = TEMPLATE_DIR,
): Promise<{ shard: string; release: string }> {
  const [shard, release] = await Promise.all(
    ['shard.sbatch', 'release.sbatch'].map((name) => readFile(join(templateDir, name), 'utf8')),
  );
  return { shard: renderTemplate(shard ?? '', values), release: renderTemplate(release ?? '', values) };
}

export interface SbatchPlan {
  /** Submitted first: the array of shards (or one resubmitted shard). */
  shards: string[];
  /** `{SHARD_JOB}` stands for the job id(s) sbatch returns for `shards`. */
  release: string[];
}

export interface SbatchChoices {
  logDir: string;
  scriptDir: string;
  /** 0-based array task ids, e.g. "0-3" or "1". */
  array: string;
  partition?: string;
  extra: readonly string[];
  /** Other jobs the release must wait for besides the shard job(s), e.g. "12_0". */
  alsoAfter?: readonly string[];
}

export const SHARD_JOB = '{SHARD_JOB}';

/** The two sbatch command lines (argv, without "sbatch"); the release one names {SHARD_JOB}. */
export function sbatchCommands(choices: SbatchChoices): SbatchPlan {
  const common = [...(choices.partition ? [`--partition=${choices.partition}`] : []), ...choices.extra];
  const after = [SHARD_JOB, ...(choices.alsoAfter ?? [])].join(':');
  return {
    shards: [
      '--parsable',
      `--array=${choices.array}`,
      `--output=${join(choices.logDir, '%x-%A_%a.out')}`,
      ...common,
      join(choices.scriptDir, 'shard.sbatch'),
    ],
    release: [
      '--parsable',
      `--dependency=afterok:${after}`,
      '--kill-on-invalid-dep=yes',
      `--output=${join(choices.logDir, '%x-%j.out')}`,
      ...common,
      join(choices.scriptDir, 'release.sbatch'),
    ],
  };
}

/** How a command line is printed for --dry-run: one shell-quoted line. */
export function commandLine(argv: readonly string[]): string {
  return ['sbatch', ...argv].map((word) => (word.includes(SHARD_JOB) ? word : shellQuote(word))).join(' ');
}
