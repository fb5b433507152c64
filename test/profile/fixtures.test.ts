import { execFileSync } from 'node:child_process';
import { appendFile, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../../pipeline/context.ts';
import { run } from '../../pipeline/stages/profile/index.ts';
import { type Profile, profileSchema } from '../../pipeline/stages/profile/schema.ts';
import { readStatus } from '../../pipeline/store/status.ts';
import { addFixtures, type FixtureDataset, profileContext, tempRoot } from './support.ts';

let root: string;
let ctx: Context;
let fixtures: FixtureDataset[];

async function readProfile(id: string): Promise<Profile> {
  return profileSchema.parse(JSON.parse(await readFile(join(root, 'processed', id, 'profile.json'), 'utf8')));
}

beforeAll(async () => {
  root = await tempRoot();
  fixtures = await addFixtures(root);
  ctx = profileContext(root);
});

afterAll(async () => {
  await ctx.close();
  await rm(root, { recursive: true, force: true });
});

describe('profile stage over the 36 Kaggle fixtures', () => {
  it('profiles every dataset, with row counts equal to an independent CSV parser', async () => {
    const summary = await run(ctx);
    expect(fixtures).toHaveLength(36);
    expect(summary).toMatchObject({ total: 36, processed: 36, ok: 36, failures: [] });

    const counted = JSON.parse(
      execFileSync(
        '/usr/bin/python3',
        [join(import.meta.dirname, 'count_records.py'), ...fixtures.map((f) => f.source)],
        {
          encoding: 'utf8',
        },
      ),
    ) as Record<string, number>;
    for (const fixture of fixtures) {
      const profile = await readProfile(fixture.id);
      const [table] = profile.tables;
      expect(profile.main_table.file, fixture.id).toBe(table?.file);
      expect(table?.rows, fixture.id).toBe(counted[fixture.source]);
      expect(table?.columns.length, fixture.id).toBe(table?.column_count);
      expect(table?.preview.length).toBe(Math.min(5, table?.rows ?? 0));
    }
  });

  it('finds time columns, their text format and frequency', async () => {
    const column = async (id: string, name: string) =>
      (await readProfile(id)).tables[0]?.columns.find((c) => c.name === name);
    expect((await column('abhishekjaiswal4896_store-sales-dataset', 'date'))?.datetime).toMatchObject({
      format: '%Y-%m-%d',
      inferred_frequency: '1D',
      regularity: 1,
      min: '2022-01-01',
    });
    expect((await column('albertobircoci_top10-cryptocurrencies-03-2025', 'Date'))?.datetime?.format).toBe(
      '%d/%m/%Y',
    );
    const fda = await column(
      'waszabbyryugami_fda-medical-device-with-de-novo-certification',
      'Date Received',
    );
    expect(fda?.datetime?.format).toBe('%m/%d/%Y');
    const monthly = await column('michau96_social-media-popularity-2009-2023', 'Date');
    expect(monthly).toMatchObject({ physical_type: 'VARCHAR', semantic_type: 'datetime' });
    expect(monthly?.datetime).toMatchObject({ format: '%Y-%m', inferred_frequency: '1M', regularity: 1 });
    const steam = await column('hbugrae_best-selling-steam-games-of-all-time', 'release_date');
    expect(steam?.datetime?.format).toBe('%d %b, %Y');
  });

  it('types columns by role and counts values exactly', async () => {
    const table = (await readProfile('sahideseker_student-performance-estimation')).tables[0];
    const byName = Object.fromEntries((table?.columns ?? []).map((c) => [c.name, c]));
    expect(byName.student_id?.semantic_type).toBe('id_like');
    expect(byName.school_support?.semantic_type).toBe('boolean');
    expect(byName.study_hours?.semantic_type).toBe('numeric');
    expect(byName.study_hours?.quantiles?.p50).toBeTypeOf('number');
    const counts = byName.school_support?.top_values.reduce((sum, v) => sum + v.count, 0);
    expect(counts).toBe(table?.rows);
    expect(byName.study_hours?.approximate).toBeUndefined();
  });

  it('skips everything on a rerun with nothing changed, and output is byte-identical when forced', async () => {
    const again = await run(ctx);
    expect(again).toMatchObject({ total: 36, processed: 0, fresh: 36, ok: 36 });
    const id = fixtures[0]?.id ?? '';
    const before = await readFile(join(root, 'processed', id, 'profile.json'), 'utf8');
    const forced = await run(ctx, { only: [fixtures[0]!.id], force: true });
    expect(forced).toMatchObject({ processed: 1, fresh: 0 });
    expect(await readFile(join(root, 'processed', id, 'profile.json'), 'utf8')).toBe(before);
  });

  it('redoes only the dataset whose file was edited', async () => {
    const edited = fixtures.find((f) => f.id === 'carlmcbrideellis_data-anscombes-quartet');
    if (!edited) throw new Error('fixture missing');
    const rowsBefore = (await readProfile(edited.id)).tables[0]?.rows ?? 0;
    await appendFile(edited.copy, '1.0,2.0,3.0,4.0,5.0,6.0,7.0\n');
    const summary = await run(ctx);
    expect(summary).toMatchObject({ total: 36, processed: 1, fresh: 35, ok: 36 });
    expect((await readProfile(edited.id)).tables[0]?.rows).toBe(rowsBefore + 1);
    expect((await readStatus(ctx.paths, 'profile', edited.id))?.outcome.status).toBe('ok');
  });
});
