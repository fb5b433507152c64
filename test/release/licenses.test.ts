import { describe, expect, it } from 'vitest';
import { loadLicenseTable } from '../../pipeline/release/licenses.ts';
import { estimateJaccard, rowHash, sketch } from '../../pipeline/release/minhash.ts';
import { planSplit } from '../../pipeline/release/split.ts';

describe('license table', () => {
  it('normalises Kaggle display names and ids to SPDX-style ids and classes', async () => {
    const table = await loadLicenseTable('configs/licenses.yaml');
    const cases: [string, string, string][] = [
      ['CC0: Public Domain', 'CC0-1.0', 'permissive'],
      ['CC0-1.0', 'CC0-1.0', 'permissive'],
      ['CC BY-SA 4.0', 'CC-BY-SA-4.0', 'share_alike'],
      ['Attribution 4.0 International (CC BY 4.0)', 'CC-BY-4.0', 'permissive'],
      ['apache-2.0', 'Apache-2.0', 'permissive'],
      ['ODbL-1.0', 'ODbL-1.0', 'share_alike'],
      ['Database: Open Database, Contents: Database Contents', 'ODbL-1.0', 'share_alike'],
      ['Other (specified in description)', 'other', 'unknown'],
      ['unknown', 'unknown', 'unknown'],
      ['CC BY-NC-SA 4.0', 'CC-BY-NC-SA-4.0', 'non_commercial'],
      ['Some Bespoke License', 'unknown', 'unknown'],
    ];
    for (const [name, id, cls] of cases)
      expect(table.normalise(name), name).toMatchObject({ id, class: cls });
    expect(table.forDataset(['other'], 'CC0: Public Domain')).toMatchObject({ id: 'CC0-1.0' });
  });
});

describe('split planning', () => {
  const candidates = [
    { dataset: 'a', lastUpdated: '2024-01-01T00:00:00Z', group: 'a' },
    { dataset: 'b', lastUpdated: '2025-01-01T00:00:00Z', group: 'b' },
    { dataset: 'c', lastUpdated: '2023-01-01T00:00:00Z', group: 'b' },
    { dataset: 'd', lastUpdated: null, group: 'd' },
  ];

  it('takes the most recent datasets, whole groups at a time', () => {
    expect(planSplit(candidates, 0.25)).toEqual({
      eval: ['b', 'c'],
      train: ['a', 'd'],
      cutoff: '2023-01-01T00:00:00Z',
      method: 'most_recent_fraction',
    });
    expect(planSplit(candidates, 0)).toMatchObject({ eval: [], cutoff: null });
  });

  it('pins eval to a list, pulling in the rest of a pinned group', () => {
    expect(planSplit(candidates, 0.5, ['c'])).toEqual({
      eval: ['b', 'c'],
      train: ['a', 'd'],
      cutoff: null,
      method: 'pinned',
    });
  });
});

describe('row sketches', () => {
  it('estimates Jaccard of row sets', () => {
    const rows = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => rowHash([String(from + i), 'x']));
    const k = 256;
    expect(estimateJaccard(sketch(rows(0, 1000), k), sketch(rows(0, 1000), k), k)).toBe(1);
    const half = estimateJaccard(sketch(rows(0, 1000), k), sketch(rows(500, 1500), k), k);
    expect(half).toBeGreaterThan(0.2);
    expect(half).toBeLessThan(0.5);
    expect(estimateJaccard(sketch(rows(0, 1000), k), sketch(rows(5000, 6000), k), k)).toBe(0);
    expect(rowHash(['1', null])).not.toBe(rowHash(['1', '']));
  });
});
