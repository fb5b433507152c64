import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../pipeline/config/load.ts';
import { type Context, createContext } from '../../pipeline/context.ts';
import { UserError } from '../../pipeline/errors.ts';
import { asDatasetId } from '../../pipeline/ids.ts';
import { Logger } from '../../pipeline/logger.ts';
import { run as draft } from '../../pipeline/stages/draft/index.ts';
import { run as profile } from '../../pipeline/stages/profile/index.ts';
import { run as scrape } from '../../pipeline/stages/scrape/index.ts';
import { readDraft } from './workdir.ts';

const population = asDatasetId('vega-datasets_population');
const sp500 = asDatasetId('vega-datasets_sp500');
let root: string;
let ctx: Context;

// The bundled sample catalog (the embedded default source), scraped and profiled for real.
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'dare-forge-draft-catalog-'));
  const parsed = parseConfigText(
    `paths:\n  raw: ${root}/raw\n  processed: ${root}/processed\n  splits: ${root}/splits\n`,
  );
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  ctx = createContext({ config: parsed.config, logger: new Logger('error', { write: () => {} }) });
  await scrape(ctx, { only: [population, sp500] });
  await profile(ctx, { only: [population, sp500] });
});
afterAll(async () => {
  await ctx?.close();
  await rm(root, { recursive: true, force: true });
});

describe('offline drafter on the sample catalog', () => {
  it('finds year columns, text dates the profile left as text, and entity column pairs', async () => {
    expect(await draft(ctx)).toMatchObject({ total: 2, ok: 2 });
    const people = await readDraft(ctx, population);
    expect(people.primary_family).toBe('time_series');
    // 570 rows = 15 years x 19 age groups x 2 sexes: two columns identify a series.
    expect(people.families.time_series).toMatchObject({
      status: 'ok',
      decision: {
        time_column: 'year',
        time_format: '%Y',
        target: ['people'],
        entity_columns: ['age', 'sex'],
      },
    });
    const index = await readDraft(ctx, sp500);
    expect(index.families.time_series).toMatchObject({
      status: 'ok',
      decision: {
        time_column: 'date',
        time_format: '%b %d %Y',
        target: ['price'],
        entity_columns: [],
        resample: null,
      },
    });
    expect(index.families.regression).toMatchObject({ status: 'declined', reason: 'no_features' });
  });

  it('refuses --only ids that were never profiled, naming them', async () => {
    await expect(draft(ctx, { only: [asDatasetId('vega-datasets_penguins')] })).rejects.toThrow(UserError);
    await expect(draft(ctx, { only: [asDatasetId('vega-datasets_penguins')] })).rejects.toThrow(
      /vega-datasets_penguins/,
    );
  });
});
