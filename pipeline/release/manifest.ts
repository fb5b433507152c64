/**
 * manifest.json and `dare-forge diff`: what a release holds, byte for byte, and what changed
 * between two releases. Pure functions over plain data.
 */
export interface Manifest {
  format: 'dare-forge-release/1';
  version: string;
  corpus: string;
  corpus_seed: number;
  config_hash: string;
  code_version: string;
  environments: Record<string, unknown>[];
  split: { method: string; eval_fraction: number | null; cutoff: string | null };
  counts: {
    tasks: Record<'train' | 'eval', number>;
    by_task_type: Record<string, Record<'train' | 'eval', number>>;
    by_license: Record<string, Record<'train' | 'eval', number>>;
    open_license: Record<'train' | 'eval', number>;
  };
  tasks: { task: string; split: 'train' | 'eval'; license: string; open_license: boolean }[];
  /** `release --corpus`: tasks of the corpus left out, with a stable reason (absent when none). */
  rejected?: { task: string; reason: string; detail: string }[];
  /** Passed tasks (or datasets) left out, and why (unverified: the folder changed since its verdict). */
  excluded?: { task: string; dataset: string; reason: string; detail: string }[];
  /** Digest of everything the release was made from: an unchanged one makes a rerun skip it. */
  inputs_hash?: string;
  /** Path relative to the release folder -> sha256; every file but manifest.json itself. */
  files: Record<string, string>;
}

export interface ManifestDiff {
  added: string[];
  removed: string[];
  changed: { task: string; moved: string | null; files: string[] }[];
}

/** The task a file belongs to: `<split>/databases/<task>/...`; null for release-level files. */
function taskOfPath(path: string): { split: string; task: string; rest: string } | null {
  const match = /^(train|eval)\/databases\/([^/]+)\/(.+)$/.exec(path);
  return match ? { split: match[1] as string, task: match[2] as string, rest: match[3] as string } : null;
}

function taskFiles(manifest: Manifest): Map<string, { split: string; files: Map<string, string> }> {
  const out = new Map<string, { split: string; files: Map<string, string> }>();
  for (const [path, hash] of Object.entries(manifest.files)) {
    const where = taskOfPath(path);
    if (!where) continue;
    const entry = out.get(where.task) ?? { split: where.split, files: new Map() };
    entry.files.set(where.rest, hash);
    out.set(where.task, entry);
  }
  return out;
}

export function diffManifests(before: Manifest, after: Manifest): ManifestDiff {
  const a = taskFiles(before);
  const b = taskFiles(after);
  const added = [...b.keys()].filter((t) => !a.has(t)).sort();
  const removed = [...a.keys()].filter((t) => !b.has(t)).sort();
  const changed: ManifestDiff['changed'] = [];
  for (const task of [...a.keys()].filter((t) => b.has(t)).sort()) {
    const x = a.get(task) as { split: string; files: Map<string, string> };
    const y = b.get(task) as { split: string; files: Map<string, string> };
    const names = new Set([...x.files.keys(), ...y.files.keys()]);
    const files = [...names].filter((n) => x.files.get(n) !== y.files.get(n)).sort();
    const moved = x.split !== y.split ? `${x.split} -> ${y.split}` : null;
    if (files.length > 0 || moved) changed.push({ task, moved, files });
  }
  return { added, removed, changed };
}

export function formatDiff(diff: ManifestDiff): string {
  const lines: string[] = [];
  for (const t of diff.added) lines.push(`+ ${t}`);
  for (const t of diff.removed) lines.push(`- ${t}`);
  for (const c of diff.changed) {
    lines.push(`~ ${c.task}${c.moved ? ` (moved ${c.moved})` : ''}`);
    for (const f of c.files) lines.push(`    ${f}`);
  }
  lines.push(`${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed`);
  return `${lines.join('\n')}\n`;
}
