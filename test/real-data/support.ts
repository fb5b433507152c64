import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Context } from '../../pipeline/context.ts';
import type { DatasetId } from '../../pipeline/ids.ts';
import { run as runBuild } from '../../pipeline/stages/build/index.ts';
import { run as runDraft } from '../../pipeline/stages/draft/index.ts';
import { type Draft, draftSchema } from '../../pipeline/stages/draft/schema.ts';
import { run as runProfile } from '../../pipeline/stages/profile/index.ts';
import { type Profile, profileSchema } from '../../pipeline/stages/profile/schema.ts';
import { addScraped, profileContext, tempRoot } from '../profile/support.ts';

/** One CSV written by the test, scraped into a fresh work folder. */
export async function csvDataset(csv: string, id = 'tester_table', yaml = '') {
  const root = await tempRoot();
  const ctx = profileContext(root, yaml);
  const dataset = await addScraped(root, id, { 'table.csv': csv });
  return { root, ctx, id: dataset };
}

export async function profileOf(ctx: Context, id: DatasetId): Promise<Profile> {
  await runProfile(ctx, { only: [id] });
  return profileSchema.parse(JSON.parse(await readFile(ctx.paths.artifact(id, 'profile.json'), 'utf8')));
}

export async function draftOf(ctx: Context, id: DatasetId): Promise<Draft> {
  await runDraft(ctx, { only: [id] });
  return draftSchema.parse(JSON.parse(await readFile(ctx.paths.artifact(id, 'draft.json'), 'utf8')));
}

const buildRecordSchema = z.object({
  tasks: z.array(
    z.looseObject({
      family: z.string(),
      task: z.string(),
      status: z.string(),
      reason: z.string().optional(),
    }),
  ),
});

export async function buildOf(ctx: Context, id: DatasetId) {
  await runBuild(ctx, { only: [id] });
  return buildRecordSchema.parse(JSON.parse(await readFile(ctx.paths.artifact(id, 'build.json'), 'utf8')));
}

export function csvOf(header: string[], rows: (string | number)[][]): string {
  return `${[header, ...rows].map((row) => row.join(',')).join('\n')}\n`;
}

export { join };
