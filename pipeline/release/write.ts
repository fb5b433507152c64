import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Context } from '../context.ts';
import { UserError } from '../errors.ts';
import { formatJson, replaceDirAtomic, sweepTempFiles, writeFileAtomic } from '../store/atomic.ts';
import { pathExists } from '../util/fs.ts';
import { hashValue, sha256File } from '../util/hash.ts';
import { compareCodeUnits } from '../util/order.ts';
import { PACKAGE_VERSION } from '../version.ts';
import { datasetCard, licenseDistribution } from './card.ts';
import type { ReleaseRejection, ReleaseTask } from './collect.ts';
import { copyTaskPart } from './copy.ts';
import { croissant } from './croissant.ts';
import { listFiles, type TaskRow, taskRows, toJsonl, writeParquet } from './exports.ts';
import { tableFingerprint } from './fingerprint.ts';
import { groupNearDuplicates } from './groups.ts';
import { loadLicenseTable } from './licenses.ts';
import type { Manifest } from './manifest.ts';
import { readableTasks } from './readable.ts';
import { planSplit } from './split.ts';

const taskTypeNames = { class: 'classification', reg: 'regression', ts: 'time_series' } as const;
type Split = 'train' | 'eval';

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
  const { tasks, sharedRows } = readable;
  const rejected = [...(options.rejected ?? []), ...readable.rejected].sort((a, b) =>
    compareCodeUnits(a.task, b.task),
  );
  for (const r of readable.rejected) ctx.logger.warn(`release: ${r.task} rejected(${r.reason}): ${r.detail}`);
  const licenses = await loadLicenseTable(resolve(ctx.cwd, settings.license_table));
  const license = new Map(tasks.map((t) => [t.task, licenses.forDataset(t.licenseIds, t.licenseName)]));
  const isOpen = (task: string) => {
    const l = license.get(task);
    if (!l) return false;
    return settings.open_license_ids
      ? settings.open_license_ids.includes(l.id)
      : settings.open_license_classes.includes(l.class);
  };

  // Decontamination: one fingerprint per dataset (its first task), groups kept on one side.
  const firstTaskOf = new Map<string, ReleaseTask>();
  for (const t of tasks) if (!firstTaskOf.has(t.dataset)) firstTaskOf.set(t.dataset, t);
  const fingerprints = [];
  for (const t of firstTaskOf.values())
    fingerprints.push(
      readable.fingerprints.get(t.task) ??
        (await tableFingerprint(t, () => ctx.duckdb(), settings.sketch_size)),
    );
  const { groupOf, links } = groupNearDuplicates(
    fingerprints,
    settings.sketch_size,
    settings.dedup_row_jaccard,
    settings.dedup_column_overlap,
  );
  const plan = planSplit(
    [...firstTaskOf.values()].map((t) => ({
      dataset: t.dataset,
      lastUpdated: t.lastUpdated,
      group: groupOf.get(t.dataset) ?? t.dataset,
    })),
    settings.eval_fraction,
    settings.eval_pinned,
  );
  const splitOf = (t: ReleaseTask): Split => (plan.eval.includes(t.dataset) ? 'eval' : 'train');

  // A release killed mid-swap leaves a temp folder beside it; releases run one at a time.
  await sweepTempFiles(ctx.paths.splits, false);
  let manifest: Manifest | undefined;
  await replaceDirAtomic(dir, async (temp) => {
    const rows: TaskRow[] = [];
    for (const split of ['train', 'eval'] as const) {
      const inSplit = tasks.filter((t) => splitOf(t) === split);
      await mkdir(join(temp, split, 'databases'), { recursive: true });
      // Only source/ and verify/ are the published layout; build bookkeeping stays behind.
      for (const t of inSplit) {
        for (const part of ['source', 'verify']) {
          await copyTaskPart(join(t.dir, part), join(temp, split, 'databases', t.task, part));
        }
      }
      await writeFileAtomic(
        join(temp, split, 'question_list.json'),
        publishedJson(inSplit.map((t) => t.entry)),
      );
      await mkdir(join(temp, 'open_license'), { recursive: true });
      await writeFileAtomic(
        join(temp, 'open_license', `${split}_question_list.json`),
        publishedJson(inSplit.filter((t) => isOpen(t.task)).map((t) => t.entry)),
      );
      for (const t of inSplit)
        rows.push(...taskRows(t, split, license.get(t.task)?.id ?? 'unknown', isOpen(t.task)));
    }
    const verdicts = tasks.filter((t) => t.verdict).map((t) => JSON.stringify(t.verdict));
    await writeFileAtomic(join(temp, 'verdicts.jsonl'), verdicts.length ? `${verdicts.join('\n')}\n` : '');
    await writeFileAtomic(
      join(temp, 'contamination.json'),
      formatJson({
        groups: groupsOf(groupOf),
        links,
        shared_train_val_rows: sharedRows,
        thresholds: {
          row_jaccard: settings.dedup_row_jaccard,
          column_overlap: settings.dedup_column_overlap,
          sketch_size: settings.sketch_size,
        },
      }),
    );
    await mkdir(join(temp, 'hf'), { recursive: true });
    await writeFileAtomic(join(temp, 'hf', 'tasks.jsonl'), toJsonl(rows));
    await writeParquet(
      () => ctx.duckdb(),
      join(temp, 'hf', 'tasks.jsonl'),
      join(temp, 'hf', 'tasks.parquet'),
    );

    const draft = baseManifest(
      ctx,
      options.version,
      tasks,
      splitOf,
      (t) => license.get(t)?.id ?? 'unknown',
      isOpen,
      plan,
    );
    await writeFileAtomic(join(temp, 'LICENSE_DISTRIBUTION.md'), licenseDistribution(draft));
    await writeFileAtomic(
      join(temp, 'README.md'),
      datasetCard(draft, groupsOf(groupOf).length, Object.keys(sharedRows).length),
    );
    const files = await describeFiles(temp);
    const published =
      tasks
        .map((t) => t.lastUpdated ?? '')
        .sort()
        .at(-1) || '1970-01-01T00:00:00Z';
    await writeFileAtomic(
      join(temp, 'croissant.json'),
      `${JSON.stringify(
        croissant({
          name: ctx.config.corpus.name,
          version: options.version,
          description: `DARE-bench-style verifiable data-science tasks (${tasks.length} task folders, ${rows.length} task variants) built by dare-forge.`,
          url: `https://example.org/${ctx.config.corpus.name}/${options.version}`,
          datePublished: published.slice(0, 10),
          licenses: [
            ...new Set([...license.values()].map((l) => `https://spdx.org/licenses/${l.id}.html`)),
          ].sort(),
          files,
        }),
        null,
        2,
      )}\n`,
    );
    manifest = {
      ...draft,
      ...(rejected.length > 0 ? { rejected } : {}),
      excluded: options.excluded ?? [],
      ...(options.inputsHash ? { inputs_hash: options.inputsHash } : {}),
      files: Object.fromEntries((await describeFiles(temp)).map((f) => [f.path, f.sha256])),
    };
    await writeFileAtomic(join(temp, 'manifest.json'), formatJson(manifest));
  });
  return { dir, manifest: manifest as unknown as Manifest };
}

/** question_list.json as the published release writes it: 2-space JSON, keys in entry order. */
function publishedJson(entries: readonly Record<string, unknown>[]): string {
  const sorted = [...entries].sort((a, b) => compareCodeUnits(String(a.file_path), String(b.file_path)));
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

function groupsOf(groupOf: Map<string, string>): string[][] {
  const groups = new Map<string, string[]>();
  for (const [dataset, group] of groupOf) groups.set(group, [...(groups.get(group) ?? []), dataset]);
  return [...groups.values()].filter((g) => g.length > 1).map((g) => g.sort());
}

async function describeFiles(root: string) {
  const out = [];
  for (const path of await listFiles(root)) {
    if (path === 'manifest.json') continue;
    const full = join(root, path);
    out.push({ path, sha256: await sha256File(full), bytes: (await stat(full)).size });
  }
  return out;
}

function baseManifest(
  ctx: Context,
  version: string,
  tasks: readonly ReleaseTask[],
  splitOf: (t: ReleaseTask) => Split,
  licenseOf: (task: string) => string,
  isOpen: (task: string) => boolean,
  plan: { method: string; cutoff: string | null },
): Manifest {
  const zero = () => ({ train: 0, eval: 0 });
  const counts: Manifest['counts'] = {
    tasks: zero(),
    by_task_type: {},
    by_license: {},
    open_license: zero(),
  };
  for (const t of tasks) {
    const split = splitOf(t);
    counts.tasks[split] += 1;
    const type = taskTypeNames[t.family];
    counts.by_task_type[type] ??= zero();
    counts.by_task_type[type][split] += 1;
    const license = licenseOf(t.task);
    counts.by_license[license] ??= zero();
    counts.by_license[license][split] += 1;
    if (isOpen(t.task)) counts.open_license[split] += 1;
  }
  const { paths: _paths, ...configWithoutPaths } = ctx.config;
  const environments = [
    ...new Map(
      tasks.flatMap((t) => (t.environment ? [t.environment] : [])).map((e) => [hashValue(e), e]),
    ).values(),
  ];
  return {
    format: 'dare-forge-release/1',
    version,
    corpus: ctx.config.corpus.name,
    corpus_seed: ctx.config.corpus.seed,
    config_hash: hashValue(configWithoutPaths),
    code_version: PACKAGE_VERSION,
    environments,
    split: {
      method: plan.method,
      eval_fraction: plan.method === 'pinned' ? null : ctx.config.release.eval_fraction,
      cutoff: plan.cutoff,
    },
    counts,
    tasks: tasks.map((t) => ({
      task: t.task,
      split: splitOf(t),
      license: licenseOf(t.task),
      open_license: isOpen(t.task),
    })),
    files: {},
  };
}
