import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Context } from '../context.ts';
import { UserError } from '../errors.ts';
import { replaceDirAtomic } from '../store/atomic.ts';
import { readLimitsFrom } from '../util/inside.ts';
import { jsonl, writeOut, writeWorkFiles } from './files.ts';
import { writeHarbor } from './harbor.ts';
import { writeInspect } from './inspect.ts';
import { readExportSource } from './tasks.ts';
import { writeTrl } from './trl.ts';
import { writeVerl } from './verl.ts';

export const exportFormats = ['harbor', 'verl', 'trl', 'inspect'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export interface ExportOptions {
  /** A release split in the published layout: `splits/<version>/<train|eval>`. */
  release: string;
  format: ExportFormat;
  /** Default: `splits/<version>/exports/<format>/<split>/`, beside the DARE layout. */
  out?: string;
}

export interface ExportResult {
  out: string;
  variants: number;
  skipped: { task: string; reason: string; detail: string }[];
}

export function defaultOut(release: string, format: ExportFormat): string {
  const split = resolve(release);
  return join(dirname(split), 'exports', format, basename(split));
}

async function requireSplit(release: string): Promise<void> {
  const list = await stat(join(release, 'question_list.json')).catch(() => null);
  if (!list?.isFile()) {
    throw new UserError(
      `--release ${release}: no question_list.json there; give a release split such as splits/1.0.0/train (made by \`dare-forge release\`).`,
    );
  }
}

/**
 * `--out` is replaced as a whole, so only a new or empty folder or an earlier export may be
 * given: never a folder holding the release (`--out splits/1.0.0`), the working directory
 * (`--out .`) or a file.
 */
async function requireReplaceable(out: string, release: string, format: ExportFormat): Promise<void> {
  const fix = `export replaces --out as a whole; pick a new or empty folder (the default is ${defaultOut(release, format)})`;
  if (!relative(out, release).startsWith('..'))
    throw new UserError(`--out ${out}: holds the release split ${release}; ${fix}.`);
  const found = await stat(out).catch(() => null);
  if (!found) return;
  if (!found.isDirectory()) throw new UserError(`--out ${out}: is a file, not a folder; ${fix}.`);
  const entries = await readdir(out);
  if (entries.length === 0) return;
  const summary = await readFile(join(out, 'export.json'), 'utf8').catch(() => '');
  if (/"format": "dare-forge\.export\//.test(summary)) return;
  throw new UserError(
    `--out ${out}: holds ${entries.length} entries and no export.json of an earlier export; ${fix}.`,
  );
}

/**
 * Writes one split of a release in a training stack's format. The output is replaced
 * atomically and is byte-identical for the same release: no timestamps, sorted tasks. Ground
 * truth goes only where the format keeps it from the agent (Harbor tests/, verl reward_model,
 * TRL's ground_truth column, Inspect's target); the agent's files are copied from source/.
 */
export async function run(ctx: Context, options: ExportOptions): Promise<ExportResult> {
  const release = resolve(options.release);
  await requireSplit(release);
  const out = resolve(options.out ?? defaultOut(release, options.format));
  const inside = relative(release, out);
  if (inside === '' || !inside.startsWith('..')) {
    throw new UserError(
      `--out ${out}: inside the release split ${release}; the DARE layout stays untouched, pick a folder beside it (the default is ${defaultOut(release, options.format)}).`,
    );
  }
  await requireReplaceable(out, release, options.format);
  const limits = readLimitsFrom(ctx.config.corpus.limits);
  const source = await readExportSource(release, limits);
  if (source.variants.length === 0) {
    throw new UserError(
      `--release ${release}: no task variant can be exported (${source.skipped.length} skipped).`,
      1,
    );
  }
  await replaceDirAtomic(out, async (dir) => {
    if (options.format === 'harbor') await writeHarbor(dir, source, limits);
    else await writeWorkFiles(dir, source.variants, limits);
    if (options.format === 'verl') await writeVerl(dir, source, () => ctx.duckdb());
    if (options.format === 'trl') await writeTrl(dir, source);
    if (options.format === 'inspect') await writeInspect(dir, source);
    const summary = {
      format: `dare-forge.export/${options.format}`,
      split: source.split,
      python_pins: source.pins,
      variants: source.variants.map((v) => ({ id: v.id, license: v.license, metric: v.metric })),
      skipped: source.skipped,
    };
    await writeOut(dir, 'export.json', `${JSON.stringify(summary, null, 2)}\n`);
    await writeOut(
      dir,
      'licenses.jsonl',
      jsonl([
        ...new Map(
          source.variants.map((v) => [v.task, { task: v.task, license: v.license, title: v.title }]),
        ).values(),
      ]),
    );
  });
  for (const s of source.skipped) ctx.logger.warn(`export: ${s.task} skipped(${s.reason}): ${s.detail}`);
  return { out, variants: source.variants.length, skipped: source.skipped };
}
