import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseConfigText } from '../../pipeline/config/load.ts';
import { createContext } from '../../pipeline/context.ts';
import { datasetIdFromRef } from '../../pipeline/ids.ts';
import { Logger } from '../../pipeline/logger.ts';
import { catalogSchema, type TaskHint } from '../../pipeline/sources/catalog/schema.ts';
import { run as draft } from '../../pipeline/stages/draft/index.ts';
import { type Draft, draftSchema, type FamilyKey } from '../../pipeline/stages/draft/schema.ts';
import { run as profile } from '../../pipeline/stages/profile/index.ts';
import { run as scrape } from '../../pipeline/stages/scrape/index.ts';

/**
 * The offline drafter on the bundled sample catalog (the embedded demo) vs its task hints:
 * is every hinted family drafted ok, and does the time-series entity structure match?
 *   npx tsx bench/draft/catalog.ts
 * The hints are also catalog keywords, which the drafter reads: this checks feasibility and
 * structure (time column, entities), not an independent choice of family.
 */
const familyOf: Record<TaskHint, FamilyKey> = {
  classification: 'classification',
  regression: 'regression',
  time_series_single_entity: 'time_series',
  time_series_multi_entity: 'time_series',
};

const root = await mkdtemp(join(tmpdir(), 'dare-forge-bench-catalog-'));
const parsed = parseConfigText(
  `paths:\n  raw: ${root}/raw\n  processed: ${root}/processed\n  splits: ${root}/splits\n`,
);
if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
const ctx = createContext({ config: parsed.config, logger: new Logger('warn') });
try {
  await scrape(ctx);
  await profile(ctx);
  await draft(ctx);
  const catalog = catalogSchema.parse(parse(await readFile('configs/catalog.yaml', 'utf8')));
  let hinted = 0;
  let drafted = 0;
  let structured = 0;
  let seriesHints = 0;
  for (const table of catalog.tables) {
    const id = datasetIdFromRef(table.ref);
    let result: Draft | null = null;
    try {
      result = draftSchema.parse(JSON.parse(await readFile(ctx.paths.artifact(id, 'draft.json'), 'utf8')));
    } catch {
      result = null;
    }
    const cells: string[] = [];
    for (const hint of table.task_hints) {
      const family = result?.families[familyOf[hint]];
      hinted += 1;
      if (family?.status === 'ok') drafted += 1;
      let note = family?.status === 'ok' ? 'ok' : `NO (${family?.reason ?? 'no draft'})`;
      if (hint.startsWith('time_series') && family?.status === 'ok' && 'time_column' in family.decision) {
        seriesHints += 1;
        const multi = family.decision.entity_columns.length > 0;
        const agrees = multi === (hint === 'time_series_multi_entity');
        if (agrees) structured += 1;
        note += ` ${family.decision.time_column} ${family.decision.time_format} entities=${JSON.stringify(family.decision.entity_columns)}${agrees ? '' : ' STRUCTURE?'}`;
      }
      cells.push(`${hint}: ${note}`);
    }
    console.log(`${table.ref.padEnd(46)} primary ${result?.primary_family ?? '-'} | ${cells.join(' | ')}`);
  }
  console.log(`\nhinted families drafted ok: ${drafted}/${hinted}`);
  console.log(`time-series single/multi entity structure agrees: ${structured}/${seriesHints}`);
} finally {
  await ctx.close();
  await rm(root, { recursive: true, force: true });
}
