import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.ts';
import { type CorpusReadLimits, readInside } from '../util/inside.ts';
import { compareCodeUnits } from '../util/order.ts';
import type { ExportVariant } from './tasks.ts';

/** The one Python scoring core every export carries (same metrics as pipeline/score). */
export const SCORER_SCRIPT = fileURLToPath(new URL('../../verifiers/exports/dare_score.py', import.meta.url));
export const REFERENCE_PROGRAM = fileURLToPath(
  new URL('../../verifiers/reference_solution.py', import.meta.url),
);
export const TEMPLATES = fileURLToPath(new URL('../../verifiers/exports/', import.meta.url));

export async function writeOut(root: string, path: string, data: string | Uint8Array, mode = 0o644) {
  const full = join(root, path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, data);
  // Modes are part of the export's bytes (tar, Docker COPY): set them, never inherit a umask.
  await chmod(full, mode);
}

export async function copyScorer(root: string, path = 'dare_score.py'): Promise<void> {
  await writeOut(root, path, await readFile(SCORER_SCRIPT));
}

export async function template(name: string): Promise<string> {
  return readFile(join(TEMPLATES, name), 'utf8');
}

/** A task source file, read only when it is a regular file inside the task folder, under the cap. */
export async function readSourceFile(
  variant: Pick<ExportVariant, 'taskDir' | 'task'>,
  name: string,
  limits: CorpusReadLimits,
): Promise<Buffer> {
  const read = await readInside(variant.taskDir, `source/${name}`, limits.maxFileBytes);
  if (!read.ok) {
    throw new UserError(
      `${variant.task}: source/${name}: ${read.reason}: ${read.detail}; the release is damaged, release it again.`,
      1,
    );
  }
  return read.bytes;
}

/**
 * The agent's files of every task, `files/<task>/<name>`: the union of what its variants
 * need, copied from source/ only (verify/ never leaves the release).
 */
export async function writeWorkFiles(
  root: string,
  variants: readonly ExportVariant[],
  limits: CorpusReadLimits,
): Promise<void> {
  const byTask = new Map<string, { variant: ExportVariant; names: Set<string> }>();
  for (const v of variants) {
    const entry = byTask.get(v.task) ?? { variant: v, names: new Set<string>() };
    for (const name of v.neededFiles) entry.names.add(name);
    byTask.set(v.task, entry);
  }
  for (const task of [...byTask.keys()].sort(compareCodeUnits)) {
    const entry = byTask.get(task);
    if (!entry) continue;
    for (const name of [...entry.names].sort(compareCodeUnits)) {
      await writeOut(root, `files/${task}/${name}`, await readSourceFile(entry.variant, name, limits));
    }
  }
}

/** What a scorer needs besides the ground truth: the variant's family, metric and targets. */
export function scoringSpec(v: ExportVariant) {
  return { task: v.task, variant: v.variant, family: v.family, metric: v.metric, targets: v.targets };
}

/** One JSON value per line, keys in the order given: byte-stable. */
export function jsonl(rows: readonly unknown[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length > 0 ? '\n' : '');
}
