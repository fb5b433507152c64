import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { idColumnsFor } from './align.ts';
import { type Frame, parseFrame } from './frame.ts';
import type { Family, Reason, Variant } from './report.ts';

/** What a task variant is scored against, or why the corpus cannot score it. */
export type Truth =
  | { ok: true; frame: Frame; targets: string[]; idColumns: string[] }
  | { ok: false; reason: Reason; detail: string };

const metadataSchema = z.object({
  question: z.object({ target: z.union([z.string(), z.array(z.string()).min(1)]) }),
});

/** The file a variant is scored against: instruction following against the reference output. */
export function truthFileName(family: Family, variant: Variant): string {
  if (family === 'time_series_analysis') return `ground_truth_${variant}.csv`;
  return variant === 'v1' ? 'simulated_pred_local.csv' : 'ground_truth.csv';
}

/** File text, or null when there is no readable file at the path. */
export async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
    throw error;
  }
}

async function readTargets(taskDir: string): Promise<string[] | null> {
  const text = await readText(join(taskDir, 'verify', 'all_metadata.json'));
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = metadataSchema.safeParse(json);
  if (!parsed.success) return null;
  const { target } = parsed.data.question;
  return typeof target === 'string' ? [target] : target;
}

/** Reads the targets (verify/all_metadata.json) and the ground-truth file of one variant. */
export async function loadTruth(taskDir: string, family: Family, variant: Variant): Promise<Truth> {
  const targets = await readTargets(taskDir);
  if (targets === null) {
    return {
      ok: false,
      reason: 'metadata_invalid',
      detail: 'verify/all_metadata.json is missing, not JSON, or has no question.target',
    };
  }
  const name = truthFileName(family, variant);
  const text = await readText(join(taskDir, 'verify', name));
  if (text === null) {
    return family !== 'time_series_analysis' && variant === 'v1'
      ? {
          ok: false,
          reason: 'reference_missing',
          detail: `verify/${name} is missing: run the reference solution (verify stage) to create it`,
        }
      : { ok: false, reason: 'ground_truth_missing', detail: `verify/${name} is missing` };
  }
  const parsed = parseFrame(text);
  if (!parsed.ok)
    return { ok: false, reason: 'ground_truth_invalid', detail: `verify/${name}: ${parsed.detail}` };
  const frame = parsed.frame;
  const invalid = (detail: string): Truth => ({
    ok: false,
    reason: 'ground_truth_invalid',
    detail: `verify/${name}: ${detail}`,
  });
  const absent = targets.filter((t) => !frame.byName.has(t));
  if (absent.length > 0) return invalid(`no target column ${absent.join(', ')}`);
  const idColumns = idColumnsFor(frame, targets, family, variant);
  if (idColumns.length === 0) return invalid('no id columns (row_id, or time and entity columns)');
  if (frame.rowCount === 0) return invalid('no rows');
  return { ok: true, frame, targets, idColumns };
}
