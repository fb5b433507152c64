// One side of the build bench, in its own process so its peak RSS is its own:
// `npx tsx bench/build/ours.ts <work folder> <prepare|stream|in-heap> [memory_limit]`
// prints {wall_ms, max_rss_kb, summary}.
import { readFile, writeFile } from 'node:fs/promises';
import { parseConfigText } from '../../pipeline/config/load.ts';
import { createContext } from '../../pipeline/context.ts';
import { asDatasetId } from '../../pipeline/ids.ts';
import { Logger } from '../../pipeline/logger.ts';
import { composeTabular } from '../../pipeline/stages/build/compose.ts';
import { run as build } from '../../pipeline/stages/build/index.ts';
import { readBuildInputs } from '../../pipeline/stages/build/inputs.ts';
import { metadataText } from '../../pipeline/stages/build/metadata.ts';
import { loadTable } from '../../pipeline/stages/build/table.ts';
import { run as draft } from '../../pipeline/stages/draft/index.ts';
import { run as profile } from '../../pipeline/stages/profile/index.ts';

const [root, mode, memoryLimit = '512MB'] = process.argv.slice(2);
if (!root || !mode) throw new Error('usage: ours.ts <work folder> <prepare|stream|in-heap> [memory_limit]');
const yaml = `paths:\n  raw: ${root}/raw\n  processed: ${root}/processed\nprofile:\n  memory_limit: ${memoryLimit}\n  threads: 2\n`;
const parsed = parseConfigText(yaml);
if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
const ctx = createContext({ config: parsed.config, logger: new Logger('error') });
const id = asDatasetId('bench_big');
const started = performance.now();
let summary: object = {};
try {
  if (mode === 'prepare') {
    await profile(ctx, { force: true });
    summary = await draft(ctx, { force: true });
    // The offline drafter sees an event log: add the two tabular families it declines.
    const path = ctx.paths.artifact(id, 'draft.json');
    const drafted = JSON.parse(await readFile(path, 'utf8'));
    const features = ['region', 'category', 'amount', 'quantity', 'score', 'flag'];
    const types = {
      region: 'categorical',
      category: 'categorical',
      amount: 'numerical',
      quantity: 'numerical',
      score: 'numerical',
      flag: 'categorical',
    };
    const tabular = (problem_type: string, target: string) => ({
      status: 'ok',
      decision: {
        problem_type,
        target: [target],
        target_candidates: [target],
        related_features: features.filter((f) => f !== target),
        column_type_inference: types,
      },
    });
    drafted.families.classification = tabular('classification', 'region');
    drafted.families.regression = tabular('regression', 'amount');
    await writeFile(path, JSON.stringify(drafted, null, 2));
  } else if (mode === 'stream') {
    summary = await build(ctx, { force: true });
  } else {
    // The build before streaming: the whole table as JavaScript strings, then the tasks.
    const inputs = await readBuildInputs(ctx, id);
    const table = await loadTable(await ctx.duckdb(), inputs.mainTablePath);
    const built: string[] = [];
    for (const family of [inputs.draft.families.classification, inputs.draft.families.regression]) {
      if (family.status !== 'ok') continue;
      composeTabular(
        {
          task: `${id}_${family.decision.problem_type}`,
          datasetId: id,
          corpusSeed: ctx.config.corpus.seed,
          config: ctx.config.build,
          table,
          envelope: { listing: inputs.listing, metadata: inputs.metadata },
          metadataText: metadataText(inputs.metadata, inputs.draft.main_table),
        },
        family.decision,
      );
      built.push(family.decision.problem_type);
    }
    summary = { built, rows: table.rows.length };
  }
  const wall_ms = Math.round(performance.now() - started);
  process.stdout.write(
    `${JSON.stringify({ wall_ms, max_rss_kb: process.resourceUsage().maxRSS, summary })}\n`,
  );
} finally {
  await ctx.close();
}
