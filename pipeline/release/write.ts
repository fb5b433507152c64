import { join, resolve } from 'node:path';
import { portableConfig } from '../config/paths.ts';
import type { Context } from '../context.ts';
import { UserError } from '../errors.ts';
import { formatJson, replaceDirAtomic, sweepTempFiles, writeFileAtomic } from '../store/atomic.ts';
import { pathExists } from '../util/fs.ts';
import { hashValue } from '../util/hash.ts';
import { compareCodeUnits } from '../util/order.ts';
import { PACKAGE_VERSION } from '../version.ts';
import { datasetCard, licenseDistribution } from './card.ts';
import type { ReleaseRejection, ReleaseTask } from './collect.ts';
import { tableFingerprint } from './fingerprint.ts';
import type { TableFingerprint } from './groups.ts';
import { loadLicenseTable } from './licenses.ts';
import type { Manifest } from './manifest.ts';
import { firstTaskPerDataset, planRelease, type ReleasePlan } from './plan.ts';
import { type ReadableTasks, readableTasks } from './readable.ts';
import { describeFiles, writeChecks, writeCroissant, writeExports, writeSplits } from './writers.ts';

const taskTypeNames = { class: 'classification', reg: 'regression', ts: 'time_series' } as const;

export interface ReleaseOptions {
  version: string;
  force?: boolean;
  /** Corpus tasks left out, and why: listed in manifest.json when there are any. */
  rejected?: readonly ReleaseRejection[];
  /** Recorded in the manifest: what was left out and why, and the inputs digest. */
  excluded?: NonNullable<Manifest['excluded']>;
  inputsHash?: string;
}

export interface ReleaseResult {
  dir: string;
  manifest: Manifest;
}

/** Writes splits/<version>/ from released tasks; the same inputs give byte-identical folders. */
export async function writeRelease(
  ctx: Context,
  candidates: readonly ReleaseTask[],
  options: ReleaseOptions,
): Promise<ReleaseResult> {
  const settings = ctx.config.release;
  const dir = join(ctx.paths.splits, options.version);
  if (!options.force && (await pathExists(dir))) {
    throw new UserError(
      `release ${options.version} already exists at ${dir}; pick a new --version, or pass --force to rewrite it`,
    );
  }
  const readable = await readableTasks(candidates, () => ctx.duckdb(), settings.sketch_size);
  const rejected = [...(options.rejected ?? []), ...readable.rejected].sort((a, b) =>
    compareCodeUnits(a.task, b.task),
  );
  for (const r of readable.rejected) ctx.logger.warn(`release: ${r.task} rejected(${r.reason}): ${r.detail}`);
  const licenses = await loadLicenseTable(resolve(ctx.cwd, settings.license_table));
  const plan = planRelease(
    readable.tasks,
    (t) => licenses.forDataset(t.licenseIds, t.licenseName),
    await datasetFingerprints(ctx, readable),
    settings,
  );

  // A release killed mid-swap leaves a temp folder beside it; releases run one at a time.
  await sweepTempFiles(ctx.paths.splits, false);
  let manifest: Manifest | undefined;
  await replaceDirAtomic(dir, async (temp) => {
    manifest = await writeReleaseFolder(ctx, temp, plan, {
      ...options,
      rejected,
      sharedRows: readable.sharedRows,
    });
  });
  return { dir, manifest: manifest as unknown as Manifest };
}

/** Decontamination: one fingerprint per dataset (its first task), reusing those already read. */
async function datasetFingerprints(ctx: Context, readable: ReadableTasks): Promise<TableFingerprint[]> {
  const fingerprints = [];
  for (const t of firstTaskPerDataset(readable.tasks))
    fingerprints.push(
      readable.fingerprints.get(t.task) ??
        (await tableFingerprint(t, () => ctx.duckdb(), ctx.config.release.sketch_size)),
    );
  return fingerprints;
}

/** Fills the release folder the plan describes; the manifest, written last, lists every file. */
async function writeReleaseFolder(
  ctx: Context,
  temp: string,
  plan: ReleasePlan,
  options: ReleaseOptions & { rejected: ReleaseRejection[]; sharedRows: Record<string, number> },
): Promise<Manifest> {
  const rows = await writeSplits(temp, plan);
  await writeChecks(temp, plan, options.sharedRows, ctx.config.release);
  await writeExports(ctx, temp, rows);
  const draft = baseManifest(ctx, options.version, plan);
  await writeFileAtomic(join(temp, 'LICENSE_DISTRIBUTION.md'), licenseDistribution(draft));
  await writeFileAtomic(
    join(temp, 'README.md'),
    datasetCard(draft, plan.groups.length, Object.keys(options.sharedRows).length),
  );
  await writeCroissant(ctx, temp, plan, options.version, rows.length);
  const manifest: Manifest = {
    ...draft,
    ...(options.rejected.length > 0 ? { rejected: options.rejected } : {}),
    excluded: options.excluded ?? [],
    ...(options.inputsHash ? { inputs_hash: options.inputsHash } : {}),
    files: Object.fromEntries((await describeFiles(temp)).map((f) => [f.path, f.sha256])),
  };
  await writeFileAtomic(join(temp, 'manifest.json'), formatJson(manifest));
  return manifest;
}

function baseManifest(ctx: Context, version: string, plan: ReleasePlan): Manifest {
  const zero = () => ({ train: 0, eval: 0 });
  const counts: Manifest['counts'] = {
    tasks: zero(),
    by_task_type: {},
    by_license: {},
    open_license: zero(),
  };
  for (const { task, split, license, open } of plan.tasks) {
    counts.tasks[split] += 1;
    const type = taskTypeNames[task.family];
    counts.by_task_type[type] ??= zero();
    counts.by_task_type[type][split] += 1;
    const id = license.id;
    counts.by_license[id] ??= zero();
    counts.by_license[id][split] += 1;
    if (open) counts.open_license[split] += 1;
  }
  const environments = [
    ...new Map(
      plan.tasks
        .flatMap(({ task }) => (task.environment ? [task.environment] : []))
        .map((e) => [hashValue(e), e]),
    ).values(),
  ];
  return {
    format: 'dare-forge-release/1',
    version,
    corpus: ctx.config.corpus.name,
    corpus_seed: ctx.config.corpus.seed,
    config_hash: hashValue(portableConfig(ctx.config)),
    code_version: PACKAGE_VERSION,
    environments,
    split: {
      method: plan.split.method,
      eval_fraction: plan.split.method === 'pinned' ? null : ctx.config.release.eval_fraction,
      cutoff: plan.split.cutoff,
    },
    counts,
    tasks: plan.tasks.map(({ task, split, license, open }) => ({
      task: task.task,
      split,
      license: license.id,
      open_license: open,
    })),
    files: {},
  };
}
