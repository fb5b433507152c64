import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../pipeline/config/load.ts';
import { createContext } from '../../pipeline/context.ts';
import { Logger } from '../../pipeline/logger.ts';
import { run as runDraft } from '../../pipeline/stages/draft/index.ts';
import { draftSchema } from '../../pipeline/stages/draft/schema.ts';
import { compareWithPublished, formatAgreement, publishedTasks } from './compare.ts';
import { heldOutDatasets, splitRule } from './split.ts';
import { profiledWorkdir } from './workdir.ts';

/**
 * The offline drafter on the 36 fixture datasets vs the published DARE-bench choices, reported
 * separately on the tuning half and on the held-out half (split.ts states the rule).
 *   npx tsx bench/draft/run.ts [--keep]
 */
const root = await mkdtemp(join(tmpdir(), 'dare-forge-bench-draft-'));
const text = `paths:\n  raw: ${join(root, 'raw')}\n  processed: ${join(root, 'processed')}\n  splits: ${join(root, 'splits')}\n`;
const parsed = parseConfigText(text);
if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
const ctx = createContext({ config: parsed.config, logger: new Logger('warn') });
try {
  const { ids, profile } = await profiledWorkdir(ctx);
  if (profile.ok !== ids.length) console.log(`profile: ${profile.ok}/${ids.length} ok`, profile.failures);
  const summary = await runDraft(ctx);
  if (summary.ok !== summary.total) console.log(`draft: ${summary.ok}/${summary.total} ok`, summary.failures);
  const drafts = new Map();
  for (const id of ids) {
    try {
      drafts.set(
        id,
        draftSchema.parse(JSON.parse(await readFile(ctx.paths.artifact(id, 'draft.json'), 'utf8'))),
      );
    } catch {
      // no draft: counted as a disagreement
    }
  }
  const rows = compareWithPublished(await publishedTasks(), drafts);
  console.log(`split: ${splitRule}`);
  const heldOut = heldOutDatasets(rows.map((row) => row.task.dataset));
  for (const [name, held] of [
    ['tuning half', false],
    ['held-out half', true],
  ] as const) {
    const half = rows.filter((row) => heldOut.has(row.task.dataset) === held);
    console.log(`\n== ${name} (${new Set(half.map((r) => r.task.dataset)).size} datasets) ==`);
    console.log(formatAgreement(half));
  }
} finally {
  await ctx.close();
  if (!process.argv.includes('--keep')) await rm(root, { recursive: true, force: true });
  else console.log(`work folder kept: ${root}`);
}
