import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profiledWorkdir } from '../../bench/draft/workdir.ts';
import { parseConfigText } from '../../pipeline/config/load.ts';
import { type Context, createContext } from '../../pipeline/context.ts';
import type { DatasetId } from '../../pipeline/ids.ts';
import { Logger } from '../../pipeline/logger.ts';
import { type Draft, draftSchema } from '../../pipeline/stages/draft/schema.ts';

export interface Workdir {
  root: string;
  ctx: Context;
  ids: DatasetId[];
  dispose(): Promise<void>;
}

/**
 * A temp work folder with the given fixture datasets scraped (laid out as raw/<id>/) and
 * profiled by the real profile stage; shared by the tests of one file.
 */
export async function profiledFixtures(refs: readonly string[], yaml = ''): Promise<Workdir> {
  const root = await mkdtemp(join(tmpdir(), 'dare-forge-draft-test-'));
  const text = `paths:\n  raw: ${join(root, 'raw')}\n  processed: ${join(root, 'processed')}\n  splits: ${join(root, 'splits')}\n${yaml}`;
  const parsed = parseConfigText(text);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const ctx = createContext({ config: parsed.config, logger: new Logger('error', { write: () => {} }) });
  const { ids, profile } = await profiledWorkdir(ctx, refs);
  if (profile.ok !== refs.length) throw new Error(`profiling failed: ${JSON.stringify(profile.failures)}`);
  return {
    root,
    ctx,
    ids,
    async dispose() {
      await ctx.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export async function readDraft(ctx: Context, id: string): Promise<Draft> {
  return draftSchema.parse(JSON.parse(await readFile(join(ctx.paths.processed, id, 'draft.json'), 'utf8')));
}
