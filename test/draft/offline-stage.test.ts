import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asDatasetId } from '../../pipeline/ids.ts';
import { run } from '../../pipeline/stages/draft/index.ts';
import { readStatus } from '../../pipeline/store/status.ts';
import { profiledFixtures, readDraft, type Workdir } from './workdir.ts';

const extrovert = asDatasetId('rakeshkapilavai_extrovert-vs-introvert-behavior-data');
const crypto = asDatasetId('albertobircoci_top10-cryptocurrencies-03-2025');
const lungs = asDatasetId('jacopoferretti_lung-capacity-of-kids');

let work: Workdir;

beforeAll(async () => {
  work = await profiledFixtures([
    'rakeshkapilavai/extrovert-vs-introvert-behavior-data',
    'albertobircoci/top10-cryptocurrencies-03-2025',
    'jacopoferretti/lung-capacity-of-kids',
  ]);
});
afterAll(async () => work?.dispose());

describe('draft stage, offline drafter', () => {
  it('drafts every profiled dataset with valid, table-checked decisions', async () => {
    const summary = await run(work.ctx);
    expect(summary).toMatchObject({ total: 3, processed: 3, ok: 3, fresh: 0 });

    const personality = await readDraft(work.ctx, extrovert);
    expect(personality).toMatchObject({
      drafted_by: 'offline',
      provider: 'offline',
      requests: [],
      primary_family: 'classification',
    });
    const classification = personality.families.classification;
    expect(classification.status).toBe('ok');
    if (classification.status === 'ok') {
      expect(classification.decision.target).toEqual(['Personality']);
      expect(classification.decision.related_features).not.toContain('Personality');
      expect(classification.decision.column_type_inference).toMatchObject({
        Personality: 'categorical',
        Time_spent_Alone: 'numerical',
      });
    }
    expect(personality.families.time_series).toMatchObject({ status: 'declined', reason: 'no_time_column' });

    const coins = await readDraft(work.ctx, crypto);
    expect(coins.primary_family).toBe('time_series');
    // The file writes 17/09/2014: the format must describe the raw text, not DuckDB's ISO rendering.
    expect(coins.families.time_series).toMatchObject({
      status: 'ok',
      decision: {
        time_column: 'Date',
        time_format: '%d/%m/%Y',
        target: ['btc_closing_price'],
        entity_columns: [],
      },
    });

    const lung = await readDraft(work.ctx, lungs);
    expect(lung.families.regression).toMatchObject({ status: 'ok', decision: { target: ['LungCap'] } });
    expect(lung.domain).toBe('health');
  });

  it('finds everything fresh on a second run, and rewrites byte-identical files when forced', async () => {
    const before = await readFile(work.ctx.paths.artifact(crypto, 'draft.json'), 'utf8');
    const again = await run(work.ctx);
    expect(again).toMatchObject({ total: 3, processed: 0, fresh: 3, ok: 3 });
    const forced = await run(work.ctx, { force: true, only: [crypto] });
    expect(forced).toMatchObject({ total: 1, processed: 1, ok: 1 });
    expect(await readFile(work.ctx.paths.artifact(crypto, 'draft.json'), 'utf8')).toBe(before);
    expect((await readStatus(work.ctx.paths, 'draft', crypto))?.outcome.status).toBe('ok');
  });
});
