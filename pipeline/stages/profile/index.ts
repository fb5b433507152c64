import { rm } from 'node:fs/promises';
import type { Context } from '../../context.ts';
import { UserError } from '../../errors.ts';
import type { StageSummary } from '../../progress.ts';
import { runStage, type StageDefinition } from '../../runner.ts';
import { writeJsonAtomic } from '../../store/atomic.ts';
import { ok } from '../../store/outcome.ts';
import { datasetsOkAt } from '../../store/status.ts';
import { sha256File } from '../../util/hash.ts';
import type { StageRunOptions } from '../registry.ts';
import { profileDataset } from './dataset.ts';
import { listRawFiles } from './files.ts';
import { profileSchema } from './schema.ts';

export const PROFILE_FILE = 'profile.json';

/** processed/<id>/profile.json: DuckDB statistics of every tabular file of a scraped dataset. */
export const profileStage: StageDefinition = {
  stage: 'profile',
  code: { modules: [import.meta.url], packages: ['@duckdb/node-api'] },
  async inputs(ctx, id) {
    const files = await listRawFiles(ctx.paths.rawFilesDir(id));
    const hashed = [];
    for (const file of files) hashed.push({ name: file.name, sha256: await sha256File(file.path) });
    // Memory and threads change how fast, not what: they stay out of the freshness key.
    const { memory_limit: _memory, threads: _threads, ...settings } = ctx.config.profile;
    return { files: hashed, config: settings };
  },
  async process(ctx, id) {
    const target = ctx.paths.artifact(id, PROFILE_FILE);
    const files = await listRawFiles(ctx.paths.rawFilesDir(id));
    const conn = await (await ctx.duckdb()).connect();
    try {
      // Timestamps with zones print in UTC, whatever the machine's zone: same output everywhere.
      await conn.run("SET TimeZone = 'UTC'");
      const profile = await profileDataset(conn, id, files, ctx.config.profile).catch(
        async (error: unknown) => {
          // A stale profile from an earlier ok run must not outlive the rejection.
          await rm(target, { force: true });
          throw error;
        },
      );
      await writeJsonAtomic(target, profileSchema.parse(profile));
      const main = profile.tables.find((t) => t.file === profile.main_table.file);
      const detail = `${profile.tables.length} table(s); main ${profile.main_table.file}: ${main?.rows} rows x ${main?.column_count} columns`;
      return { outcome: ok(detail), artifacts: [target] };
    } finally {
      conn.closeSync();
    }
  },
};

/** Profiles every dataset whose scrape ended ok (or just `only`). */
export async function run(ctx: Context, options: StageRunOptions = {}): Promise<StageSummary> {
  const scraped = await datasetsOkAt(ctx.paths, 'scrape');
  let ids = scraped;
  if (options.only) {
    const missing = options.only.filter((id) => !scraped.includes(id));
    if (missing.length > 0) {
      throw new UserError(
        `not scraped (no ok scrape status under ${ctx.paths.processed}): ${missing.join(', ')}. Run the scrape stage for them first.`,
      );
    }
    ids = scraped.filter((id) => options.only?.includes(id));
  }
  return runStage(ctx, profileStage, ids, { force: options.force ?? false });
}
