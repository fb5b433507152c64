import { execFileSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nonIntegralValue } from '../../pipeline/stages/draft/rules.ts';
import { validateTabular } from '../../pipeline/stages/draft/validate.ts';
import { csvDataset, csvOf, draftOf, profileOf } from './support.ts';

const limits = { max_classes: 20, min_regression_distinct: 10, max_entities: 50 };

/** What scikit-learn (real /usr/bin/python3) calls the column when pandas reads the CSV. */
function sklearnTargetType(csvPath: string, column: string): string {
  const code =
    'import sys, pandas as pd\nfrom sklearn.utils.multiclass import type_of_target\n' +
    'print(type_of_target(pd.read_csv(sys.argv[1])[sys.argv[2]].dropna()))';
  return execFileSync('/usr/bin/python3', ['-c', code, csvPath, column], { encoding: 'utf8' }).trim();
}

describe('continuous columns are never classification targets', () => {
  it('refuses, at draft, a class target that scikit-learn calls continuous', async () => {
    // rating has 8 distinct values (few enough for a class count) but they are halves.
    const rows = Array.from({ length: 80 }, (_, i) => [
      (i * 7) % 31,
      ((i % 8) + 1) / 2 + 0.0,
      i % 2 ? 'x' : 'y',
    ]);
    const csv = csvOf(['hours', 'rating', 'group'], rows);
    const { root, ctx, id } = await csvDataset(csv);
    try {
      const path = join(root, 'check.csv');
      await writeFile(path, csv);
      expect(sklearnTargetType(path, 'rating')).toBe('continuous');
      expect(sklearnTargetType(path, 'hours')).toBe('multiclass');
      const table = (await profileOf(ctx, id)).tables[0];
      if (!table) throw new Error('no table profiled');
      const rating = table.columns.find((c) => c.name === 'rating');
      const hours = table.columns.find((c) => c.name === 'hours');
      if (!rating || !hours) throw new Error('columns missing');
      expect(nonIntegralValue(table, rating)).toBeDefined();
      expect(nonIntegralValue(table, hours)).toBeUndefined();
      const design = (target: string, feature: string) => ({
        problem_type: 'classification' as const,
        target: [target],
        target_candidates: [target],
        related_features: [feature],
        column_type_inference: { [target]: 'categorical' as const, [feature]: 'numerical' as const },
      });
      const issues = validateTabular(table, 'classification', design('rating', 'hours'), limits);
      expect(issues).toEqual([
        expect.objectContaining({ what: 'target_type', message: expect.stringContaining('continuous') }),
      ]);
      expect(validateTabular(table, 'classification', design('group', 'hours'), limits)).toEqual([]);

      const draft = await draftOf(ctx, id);
      expect(draft.families.classification).toMatchObject({ status: 'ok', decision: { target: ['group'] } });
    } finally {
      await ctx.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('keeps a float column whose values are all integers (scikit-learn calls it multiclass)', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => [i % 13, `${(i % 3) + 1}.0`]);
    const csv = csvOf(['x', 'grade'], rows);
    const { root, ctx, id } = await csvDataset(csv);
    try {
      const path = join(root, 'check.csv');
      await writeFile(path, csv);
      expect(sklearnTargetType(path, 'grade')).toBe('multiclass');
      const table = (await profileOf(ctx, id)).tables[0];
      const grade = table?.columns.find((c) => c.name === 'grade');
      if (!table || !grade) throw new Error('no table profiled');
      expect(nonIntegralValue(table, grade)).toBeUndefined();
    } finally {
      await ctx.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
