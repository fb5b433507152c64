import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../pipeline/config/load.ts';
import { type Context, createContext } from '../../pipeline/context.ts';
import { asDatasetId } from '../../pipeline/ids.ts';
import { Logger } from '../../pipeline/logger.ts';
import { release } from '../../pipeline/stages/release/index.ts';

/** The published DARE-bench tasks of the shared fixtures (a corpus the release stage reads). */
export const published = join(process.cwd(), '../shared/fixtures/dare-eval');

export interface FixtureRelease {
  root: string;
  ctx: Context;
  /** splits/1.0.0/train: every task of the datasets asked for. */
  split: string;
  cleanup(): Promise<void>;
}

/** Release 1.0.0 of some published fixture datasets, all in train, in a temp folder named after `prefix`. */
export async function fixtureRelease(datasets: readonly string[], prefix: string): Promise<FixtureRelease> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const yaml = `paths:\n  raw: ${join(root, 'raw')}\n  processed: ${join(root, 'processed')}\n  splits: ${join(root, 'splits')}\nrelease:\n  eval_fraction: 0\n`;
  const parsed = parseConfigText(yaml);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const ctx = createContext({ config: parsed.config, cwd: process.cwd(), logger: new Logger('error') });
  const made = await release(ctx, {
    extra: { corpus: published, version: '1.0.0' },
    only: datasets.map((d) => asDatasetId(d)),
  });
  return {
    root,
    ctx,
    split: join(made.dir, 'train'),
    cleanup: async () => {
      await ctx.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
