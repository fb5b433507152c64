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

/** The two question texts of one task, from a release's `<split>/question_list.json`. */
export type QuestionTexts = Map<string, { question_v1?: unknown; question_v2?: unknown }>;

export interface ManifestDiff {
  from: string;
  to: string;
  summary: {
    added: number;
    removed: number;
    changed: number;
    /** Tasks that moved between splits, by direction ("train -> eval"). */
    moved: Record<string, number>;
    /** Tasks whose question text changed, per variant. */
    question_changed: { v1: number; v2: number };
  };
  added: { task: string; split: string }[];
  removed: { task: string; split: string }[];
  changed: { task: string; moved: string | null; questions: ('v1' | 'v2')[]; files: string[] }[];
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

/**
 * What changed between two releases, task by task: files (by hash), split moves and, when the
 * question lists are given, question texts (v1, v2).
 */
export function diffManifests(
  before: Manifest,
  after: Manifest,
  questions: { before: QuestionTexts; after: QuestionTexts } = { before: new Map(), after: new Map() },
): ManifestDiff {
  const a = taskFiles(before);
  const b = taskFiles(after);
  const splitOf = (files: typeof a, task: string) => files.get(task)?.split ?? '';
  const added = [...b.keys()].filter((t) => !a.has(t)).sort();
  const removed = [...a.keys()].filter((t) => !b.has(t)).sort();
  const changed: ManifestDiff['changed'] = [];
  for (const task of [...a.keys()].filter((t) => b.has(t)).sort()) {
    const x = a.get(task) as { split: string; files: Map<string, string> };
    const y = b.get(task) as { split: string; files: Map<string, string> };
    const names = new Set([...x.files.keys(), ...y.files.keys()]);
    const files = [...names].filter((n) => x.files.get(n) !== y.files.get(n)).sort();
    const moved = x.split !== y.split ? `${x.split} -> ${y.split}` : null;
    const [qa, qb] = [questions.before.get(task), questions.after.get(task)];
    const texts = (['v1', 'v2'] as const).filter(
      (v) => qa && qb && qa[`question_${v}`] !== qb[`question_${v}`],
    );
    if (files.length > 0 || moved || texts.length > 0) changed.push({ task, moved, questions: texts, files });
  }
  const moved: Record<string, number> = {};
  for (const c of changed) if (c.moved) moved[c.moved] = (moved[c.moved] ?? 0) + 1;
  const count = (v: 'v1' | 'v2') => changed.filter((c) => c.questions.includes(v)).length;
  return {
    from: before.version,
    to: after.version,
    summary: {
      added: added.length,
      removed: removed.length,
      changed: changed.length,
      moved,
      question_changed: { v1: count('v1'), v2: count('v2') },
    },
    added: added.map((task) => ({ task, split: splitOf(b, task) })),
    removed: removed.map((task) => ({ task, split: splitOf(a, task) })),
    changed,
  };
}

/** The summary line(s): counts first, so a long diff starts with what it amounts to. */
export function formatDiffSummary(diff: ManifestDiff): string {
  const s = diff.summary;
  const moves = Object.entries(s.moved).map(([way, n]) => `${n} ${way}`);
  const lines = [
    `diff ${diff.from} -> ${diff.to}: ${s.added} added, ${s.removed} removed, ${s.changed} changed`,
    `  moved between splits: ${moves.length > 0 ? moves.join(', ') : 'none'}`,
    `  question text changed: v1 in ${s.question_changed.v1}, v2 in ${s.question_changed.v2}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The summary, then one line per task (files changed indented below it). */
export function formatDiff(diff: ManifestDiff): string {
  const lines: string[] = [];
  if (diff.added.length > 0) lines.push('', `added (${diff.added.length}):`);
  for (const t of diff.added) lines.push(`+ ${t.task} (${t.split})`);
  if (diff.removed.length > 0) lines.push('', `removed (${diff.removed.length}):`);
  for (const t of diff.removed) lines.push(`- ${t.task} (was ${t.split})`);
  if (diff.changed.length > 0) lines.push('', `changed (${diff.changed.length}):`);
  for (const c of diff.changed) {
    const notes = [
      ...(c.moved ? [`moved ${c.moved}`] : []),
      ...c.questions.map((v) => `question ${v} text changed`),
    ];
    lines.push(`~ ${c.task}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`);
    for (const f of c.files) lines.push(`    ${f}`);
  }
  return `${formatDiffSummary(diff)}${lines.length > 0 ? `${lines.join('\n')}\n` : ''}`;
}
