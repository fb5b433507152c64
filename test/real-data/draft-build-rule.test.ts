import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { tabularDecision } from '../../pipeline/stages/draft/llm-drafter.ts';
import { buildableFeatures, candidatesKeepingFeatures } from '../../pipeline/stages/draft/rules.ts';
import { validateTabular } from '../../pipeline/stages/draft/validate.ts';
import { buildOf, csvDataset, csvOf, draftOf, profileOf } from './support.ts';

const limits = { max_classes: 20, min_regression_distinct: 10, max_entities: 50 };

describe('the one draft/build rule for features and target candidates', () => {
  it('keeps a candidate only while build still has a feature', () => {
    expect(candidatesKeepingFeatures(['label'], ['label', 'size', 'colour'], ['size'], 3)).toEqual([
      'label',
      'colour',
    ]);
    expect(candidatesKeepingFeatures(['label'], ['label', 'size', 'colour'], ['size', 'colour'], 3)).toEqual([
      'label',
      'size',
    ]);
    expect(candidatesKeepingFeatures(['a'], ['b', 'c', 'd'], ['b', 'c', 'd', 'e'], 3)).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(
      buildableFeatures({ target: ['a'], target_candidates: ['a', 'b'], related_features: ['b', 'c'] }),
    ).toEqual(['c']);
  });

  it('the LLM drafter states no candidate that would take away its only feature', () => {
    const decision = tabularDecision({
      suitable: true,
      reason: 'labels',
      problem_type: 'classification',
      target_candidates: ['label', 'size'],
      target: ['label'],
      features: ['size'],
      column_types: [
        { column: 'label', type: 'categorical' },
        { column: 'size', type: 'numerical' },
      ],
    });
    expect(decision.target_candidates).toEqual(['label']);
    expect(buildableFeatures(decision)).toEqual(['size']);
  });

  it('a table whose only feature looks like a second target is drafted and built', async () => {
    // size has five values, so it ranks as a second classification candidate; it is also the
    // only usable feature. Before the shared rule build dropped it and rejected no_tasks.
    const rows = Array.from({ length: 80 }, (_, i) => [i + 1, (i % 5) + 1, i % 5 < 2 ? 'small' : 'large']);
    const { root, ctx, id } = await csvDataset(csvOf(['id', 'size', 'label'], rows));
    try {
      const profile = await profileOf(ctx, id);
      const draft = await draftOf(ctx, id);
      const classification = draft.families.classification;
      expect(classification.status).toBe('ok');
      if (classification.status !== 'ok') return;
      expect(classification.decision.target).toEqual(['label']);
      expect(classification.decision.related_features).toEqual(['size']);
      expect(buildableFeatures(classification.decision)).toEqual(['size']);
      const table = profile.tables[0];
      if (!table) throw new Error('no table profiled');
      expect(validateTabular(table, 'classification', classification.decision, limits)).toEqual([]);
      const built = await buildOf(ctx, id);
      expect(built.tasks.find((t) => t.family === 'classification')).toMatchObject({ status: 'built' });
    } finally {
      await ctx.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('validation refuses a design whose every feature is a target candidate', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => [(i % 5) + 1, i % 2 ? 'a' : 'b']);
    const { root, ctx, id } = await csvDataset(csvOf(['size', 'label'], rows));
    try {
      const table = (await profileOf(ctx, id)).tables[0];
      if (!table) throw new Error('no table profiled');
      const issues = validateTabular(
        table,
        'classification',
        {
          problem_type: 'classification',
          target: ['label'],
          target_candidates: ['label', 'size'],
          related_features: ['size'],
          column_type_inference: { label: 'categorical', size: 'numerical' },
        },
        limits,
      );
      expect(issues).toEqual([expect.objectContaining({ what: 'features' })]);
    } finally {
      await ctx.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
