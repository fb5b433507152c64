import { describe, expect, it } from 'vitest';
import { releaseSection } from '../../pipeline/config/sections/release.ts';
import type { ReleaseTask } from '../../pipeline/release/collect.ts';
import type { NormalisedLicense } from '../../pipeline/release/licenses.ts';
import { rowHash, sketch } from '../../pipeline/release/minhash.ts';
import { firstTaskPerDataset, planRelease } from '../../pipeline/release/plan.ts';

// The release plan is pure: tasks, licenses and fingerprints in, every placement decision out.

function task(dataset: string, family: ReleaseTask['family'], lastUpdated: string | null): ReleaseTask {
  return {
    task: `${dataset}_${family}`,
    dataset,
    family,
    dir: `/nowhere/${dataset}_${family}`,
    entry: { file_path: `${dataset}_${family}` },
    lastUpdated,
    licenseIds: [],
    licenseName: undefined,
    title: dataset,
    verdict: null,
    environment: null,
  };
}

const k = 64;
const rows = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => rowHash([String(from + i), 'x']));
const tasks = [
  task('own_a', 'class', '2023-06-01T00:00:00Z'),
  task('own_a', 'reg', '2023-06-01T00:00:00Z'),
  task('own_b', 'class', '2025-01-01T00:00:00Z'),
  task('own_c', 'ts', '2020-01-01T00:00:00Z'),
  task('own_d', 'reg', '2024-01-01T00:00:00Z'),
];
// own_c is a copy of own_b's table; own_a and own_d hold tables of their own.
const fingerprints = [
  { dataset: 'own_a', columns: ['id', 'x'], sketch: sketch(rows(0, 500), k) },
  { dataset: 'own_b', columns: ['id', 'y'], sketch: sketch(rows(1000, 1500), k) },
  { dataset: 'own_c', columns: ['id', 'y'], sketch: sketch(rows(1000, 1500), k) },
  { dataset: 'own_d', columns: ['id', 'z'], sketch: sketch(rows(3000, 3500), k) },
];
const licenses: Record<string, NormalisedLicense> = {
  own_a: { id: 'CC0-1.0', class: 'permissive', source: 'CC0' },
  own_b: { id: 'CC-BY-NC-4.0', class: 'non_commercial', source: 'CC BY-NC' },
  own_c: { id: 'CC-BY-SA-4.0', class: 'share_alike', source: 'CC BY-SA' },
  own_d: { id: 'unknown', class: 'unknown', source: '' },
};
const licenseOf = (t: ReleaseTask) => licenses[t.dataset] as NormalisedLicense;
const settings = (extra: Record<string, unknown> = {}) =>
  releaseSection.parse({ eval_fraction: 0.25, sketch_size: k, ...extra });
const placement = (plan: ReturnType<typeof planRelease>) =>
  plan.tasks.map((t) => [t.task.task, t.split, t.license.id, t.open]);

describe('release plan', () => {
  it('fingerprints one table per dataset: its first task', () => {
    expect(firstTaskPerDataset(tasks).map((t) => t.task)).toEqual([
      'own_a_class',
      'own_b_class',
      'own_c_ts',
      'own_d_reg',
    ]);
  });

  it('keeps a near-copy on the side of its group and every task of a dataset together', () => {
    const plan = planRelease(tasks, licenseOf, fingerprints, settings());
    // A quarter of four datasets is one, but own_b's copy own_c (the oldest) goes with it.
    expect(plan.split).toMatchObject({ eval: ['own_b', 'own_c'], train: ['own_a', 'own_d'] });
    expect(plan.split.cutoff).toBe('2020-01-01T00:00:00Z');
    expect(plan.groups).toEqual([['own_b', 'own_c']]);
    expect(plan.links).toEqual([{ a: 'own_b', b: 'own_c', jaccard: 1, column_overlap: 1 }]);
    expect(placement(plan)).toEqual([
      ['own_a_class', 'train', 'CC0-1.0', true],
      ['own_a_reg', 'train', 'CC0-1.0', true],
      ['own_b_class', 'eval', 'CC-BY-NC-4.0', false],
      ['own_c_ts', 'eval', 'CC-BY-SA-4.0', true],
      ['own_d_reg', 'train', 'unknown', false],
    ]);
  });

  it('without the copy, only the most recent dataset goes to eval', () => {
    const apart = fingerprints.map((f) =>
      f.dataset === 'own_c' ? { ...f, sketch: sketch(rows(9000, 9500), k) } : f,
    );
    const plan = planRelease(tasks, licenseOf, apart, settings());
    expect(plan.split.eval).toEqual(['own_b']);
    expect(plan.groups).toEqual([]);
    expect(plan.tasks.find((t) => t.task.task === 'own_c_ts')?.split).toBe('train');
  });

  it('opens licenses by id when ids are listed, and pins eval when a list is given', () => {
    const plan = planRelease(
      tasks,
      licenseOf,
      fingerprints,
      settings({ open_license_ids: ['CC-BY-NC-4.0'], eval_pinned: ['own_d'] }),
    );
    expect(plan.split).toMatchObject({ method: 'pinned', eval: ['own_d'], cutoff: null });
    expect(placement(plan).filter(([, , , open]) => open)).toEqual([
      ['own_b_class', 'train', 'CC-BY-NC-4.0', true],
    ]);
  });
});
