import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import { collectCorpusTasks, type ReleaseRejection } from '../release/collect.ts';
import { type ReferenceParams, referenceParamsSchema } from '../sandbox/reference.ts';
import { metricFor } from '../score/metrics.ts';
import type { Family, Metric, Variant } from '../score/report.ts';
import { truthFileName } from '../score/truth.ts';
import { type CorpusReadLimits, readJsonInside, readTextInside } from '../util/inside.ts';

const REQUIREMENTS = fileURLToPath(new URL('../../verifiers/requirements.txt', import.meta.url));
const familyNames = { class: 'classification', reg: 'regression', ts: 'time_series_analysis' } as const;

/** One task variant as every export format sees it. */
export interface ExportVariant {
  /** `<task>:<v1|v2>`: the label the reward server and the exported rows use. */
  id: string;
  /** `<task>_<v1|v2>`: a folder name. */
  slug: string;
  task: string;
  family: Family;
  variant: Variant;
  metric: Metric;
  question: string;
  /** Plain file names in the task's source/ the agent gets (needed_files_<variant>). */
  neededFiles: string[];
  license: string;
  title: string;
  targets: string[];
  /** The ground truth this variant is scored against (verify/, never shown to the agent). */
  truthText: string;
  /** The task folder (source/ + verify/). */
  taskDir: string;
  /** IF variants of tabular tasks: the reference solution's parameters. */
  reference: ReferenceParams | null;
}

/** The verifier's Python packages, pinned in exported Dockerfiles. */
export interface PythonPins {
  python: string;
  numpy: string;
  pandas: string;
  scikit_learn: string;
  /** Where the versions come from: the release's environment fingerprint or requirements.txt. */
  source: 'release_environment' | 'verifiers/requirements.txt';
}

export interface ExportSource {
  split: string;
  variants: ExportVariant[];
  pins: PythonPins;
  /** Task variants left out, with a stable reason. */
  skipped: ReleaseRejection[];
}

const manifestSchema = z.looseObject({
  tasks: z.array(z.looseObject({ task: z.string(), license: z.string() })).default([]),
  environments: z
    .array(
      z.looseObject({
        python: z.string().optional(),
        libraries: z.record(z.string(), z.string().nullable()).optional(),
      }),
    )
    .default([]),
});
type ReleaseManifest = z.infer<typeof manifestSchema>;

const fileName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._ -]*$/, 'a plain file name in source/')
  .refine((n) => !n.includes('..'), 'a plain file name in source/');

async function readManifest(releaseDir: string, limits: CorpusReadLimits): Promise<ReleaseManifest> {
  const read = await readJsonInside(releaseDir, 'manifest.json', limits.maxMetadataBytes);
  if (!read.ok) return manifestSchema.parse({});
  const parsed = manifestSchema.safeParse(read.value);
  if (!parsed.success) {
    throw new UserError(
      `${join(releaseDir, 'manifest.json')}: not a release manifest (${parsed.error.issues[0]?.message}); rerun \`dare-forge release\`.`,
    );
  }
  return parsed.data;
}

function pinOf(text: string, name: string): string | undefined {
  return new RegExp(`^${name}==([^\\s#]+)`, 'm').exec(text)?.[1];
}

/**
 * The versions the release's verdicts were reached with (every environment must agree on
 * them); a release without one (a published corpus) pins verifiers/requirements.txt.
 */
export async function pythonPins(manifest: ReleaseManifest): Promise<PythonPins> {
  const seen = manifest.environments
    .map((e) => ({
      python: (e.python ?? '3.11').split('.').slice(0, 2).join('.'),
      numpy: e.libraries?.numpy ?? undefined,
      pandas: e.libraries?.pandas ?? undefined,
      scikit_learn: e.libraries?.sklearn ?? undefined,
    }))
    .filter((e) => e.numpy && e.pandas && e.scikit_learn);
  const distinct = [...new Map(seen.map((e) => [JSON.stringify(e), e])).values()];
  if (distinct.length > 1) {
    throw new UserError(
      `the release's verdicts come from ${distinct.length} environments with different library versions (${distinct.map((e) => `pandas ${e.pandas}, scikit-learn ${e.scikit_learn}`).join('; ')}); re-verify with one environment and release again, so one Dockerfile can pin them.`,
    );
  }
  const [only] = distinct;
  if (only?.numpy && only.pandas && only.scikit_learn) {
    return {
      ...only,
      numpy: only.numpy,
      pandas: only.pandas,
      scikit_learn: only.scikit_learn,
      source: 'release_environment',
    };
  }
  const text = await readFile(REQUIREMENTS, 'utf8');
  const numpy = pinOf(text, 'numpy');
  const pandas = pinOf(text, 'pandas');
  const sklearn = pinOf(text, 'scikit-learn');
  if (!numpy || !pandas || !sklearn)
    throw new Error(`${REQUIREMENTS}: numpy, pandas and scikit-learn must be pinned`);
  return { python: '3.11', numpy, pandas, scikit_learn: sklearn, source: 'verifiers/requirements.txt' };
}

const questionSchema = z.looseObject({
  question: z.looseObject({ target: z.union([z.string(), z.array(z.string()).min(1)]) }),
});

type Built = { ok: true; variant: ExportVariant } | { ok: false; skip: ReleaseRejection };

async function buildVariant(
  base: Omit<
    ExportVariant,
    'id' | 'slug' | 'variant' | 'metric' | 'question' | 'neededFiles' | 'truthText' | 'reference'
  >,
  entry: Record<string, unknown>,
  metadata: Record<string, unknown>,
  variant: Variant,
  limits: CorpusReadLimits,
): Promise<Built> {
  const id = `${base.task}:${variant}`;
  const skip = (reason: string, detail: string): Built => ({ ok: false, skip: { task: id, reason, detail } });
  const needed = z.array(fileName).safeParse(entry[`needed_files_${variant}`]);
  if (!needed.success)
    return skip('invalid_entry', `needed_files_${variant}: ${needed.error.issues[0]?.message}`);
  const truthName = truthFileName(base.family, variant);
  const truth = await readTextInside(base.taskDir, `verify/${truthName}`, limits.maxPredictionBytes);
  if (!truth.ok) return skip('unscorable', `verify/${truthName}: ${truth.reason}: ${truth.detail}`);
  const tabularIf = base.family !== 'time_series_analysis' && variant === 'v1';
  const params = tabularIf ? referenceParamsSchema.safeParse(metadata.question) : null;
  if (params && !params.success)
    return skip('invalid_metadata', `question: ${params.error.issues[0]?.message}`);
  return {
    ok: true,
    variant: {
      ...base,
      id,
      slug: `${base.task}_${variant}`,
      variant,
      metric: metricFor(base.family, variant),
      question: String(entry[`question_${variant}`] ?? ''),
      neededFiles: [...needed.data].sort(),
      truthText: truth.text,
      reference: params?.success ? params.data : null,
    },
  };
}

/**
 * Reads a release split (`splits/<v>/<train|eval>`, the published layout) for export: each
 * task's two variants with their question, needed files, license, targets and ground truth.
 * A variant that cannot be scored (no ground truth) is skipped with a reason.
 */
export async function readExportSource(splitDir: string, limits: CorpusReadLimits): Promise<ExportSource> {
  const releaseDir = dirname(splitDir);
  const manifest = await readManifest(releaseDir, limits);
  const licenses = new Map(manifest.tasks.map((t) => [t.task, t.license]));
  const { tasks, rejected } = await collectCorpusTasks(splitDir, limits);
  const variants: ExportVariant[] = [];
  const skipped: ReleaseRejection[] = [...rejected];
  for (const task of tasks) {
    const read = await readJsonInside(task.dir, 'verify/all_metadata.json', limits.maxMetadataBytes);
    const metadata = read.ok ? questionSchema.safeParse(read.value) : null;
    if (!metadata?.success) {
      skipped.push({
        task: task.task,
        reason: 'invalid_metadata',
        detail: 'verify/all_metadata.json has no question.target',
      });
      continue;
    }
    const target = metadata.data.question.target;
    const base = {
      task: task.task,
      family: familyNames[task.family],
      license: licenses.get(task.task) ?? task.licenseIds[0] ?? task.licenseName ?? 'unknown',
      title: task.title,
      targets: typeof target === 'string' ? [target] : target,
      taskDir: task.dir,
    };
    for (const variant of ['v1', 'v2'] as const) {
      const built = await buildVariant(base, task.entry, metadata.data, variant, limits);
      if (built.ok) variants.push(built.variant);
      else skipped.push(built.skip);
    }
  }
  return { split: basename(splitDir), variants, pins: await pythonPins(manifest), skipped };
}
