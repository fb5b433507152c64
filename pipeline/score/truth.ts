import { z } from 'zod';
import { type CorpusReadLimits, readJsonInside, readTextInside } from '../util/inside.ts';
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

export interface TruthSource {
  /** The corpus folder (trusted: given by the user); everything below it is checked. */
  corpus: string;
  task: string;
  limits: CorpusReadLimits;
}

const refused = (failure: { reason: string; detail: string }): Truth => ({
  ok: false,
  reason: 'corpus_file_refused',
  detail: `${failure.reason}: ${failure.detail}`,
});

type Targets = { ok: true; targets: string[] } | { ok: false; truth: Truth };

async function readTargets(source: TruthSource): Promise<Targets> {
  const path = `databases/${source.task}/verify/all_metadata.json`;
  const invalid = (detail: string): Targets => ({
    ok: false,
    truth: { ok: false, reason: 'metadata_invalid', detail: `verify/all_metadata.json ${detail}` },
  });
  const read = await readJsonInside(source.corpus, path, source.limits.maxMetadataBytes);
  if (!read.ok) {
    if (read.reason === 'missing') return invalid('is missing');
    if (read.reason === 'not_json' || read.reason === 'too_deep')
      return invalid(`is not JSON: ${read.detail}`);
    return { ok: false, truth: refused(read) };
  }
  const parsed = metadataSchema.safeParse(read.value);
  if (!parsed.success) return invalid('has no question.target (a string or a list of strings)');
  const { target } = parsed.data.question;
  return { ok: true, targets: typeof target === 'string' ? [target] : target };
}

/** Reads the targets (verify/all_metadata.json) and the ground-truth file of one variant. */
export async function loadTruth(source: TruthSource, family: Family, variant: Variant): Promise<Truth> {
  const read = await readTargets(source);
  if (!read.ok) return read.truth;
  const { targets } = read;
  const name = truthFileName(family, variant);
  const file = await readTextInside(
    source.corpus,
    `databases/${source.task}/verify/${name}`,
    source.limits.maxPredictionBytes,
  );
  if (!file.ok && file.reason !== 'missing') return refused(file);
  if (!file.ok) {
    return family !== 'time_series_analysis' && variant === 'v1'
      ? {
          ok: false,
          reason: 'reference_missing',
          detail: `verify/${name} is missing: run the reference solution (verify stage) to create it`,
        }
      : { ok: false, reason: 'ground_truth_missing', detail: `verify/${name} is missing` };
  }
  const parsed = parseFrame(file.text);
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
