import { basename, join, relative, resolve } from 'node:path';
import type { z } from 'zod';
import type { Context } from '../../context.ts';
import { Rejection } from '../../errors.ts';
import type { DatasetId } from '../../ids.ts';
import {
  type KaggleListItem,
  type KaggleMetadata,
  kaggleListItemSchema,
  kaggleMetadataSchema,
} from '../../sources/shapes.ts';
import { readJsonArtifact } from '../../store/read-artifact.ts';
import type { CsvDialect } from '../../tables/reader.ts';
import { pathExists } from '../../util/fs.ts';
import { type Draft, draftSchema } from '../draft/schema.ts';
import { type Profile, profileSchema } from '../profile/schema.ts';

export interface BuildInputs {
  draft: Draft;
  /** Optional: only the main table's csv dialect is taken from it. */
  profile: Profile | null;
  listing: KaggleListItem;
  metadata: KaggleMetadata;
  mainTablePath: string;
}

/** An earlier stage's JSON artifact, or the dataset rejected with `missingReason` (missing) or invalid_input. */
function readJson<T>(path: string, schema: z.ZodType<T>, missingReason: string): Promise<T> {
  return readJsonArtifact(path, schema, { what: basename(path), missingReason });
}

export async function readBuildInputs(ctx: Context, id: DatasetId): Promise<BuildInputs> {
  const draft = await readJson(ctx.paths.artifact(id, 'draft.json'), draftSchema, 'no_draft');
  const profilePath = ctx.paths.artifact(id, 'profile.json');
  const profile = (await pathExists(profilePath))
    ? await readJson(profilePath, profileSchema, 'no_profile')
    : null;
  const rawDir = ctx.paths.rawDir(id);
  const listing = await readJson(join(rawDir, 'listing.json'), kaggleListItemSchema, 'no_listing');
  const metadata = await readJson(join(rawDir, 'metadata.json'), kaggleMetadataSchema, 'no_metadata');
  const filesDir = ctx.paths.rawFilesDir(id);
  const mainTablePath = resolve(filesDir, draft.main_table);
  if (relative(filesDir, mainTablePath).startsWith('..')) {
    throw new Rejection('invalid_input', `draft main_table "${draft.main_table}" points outside ${filesDir}`);
  }
  if (!(await pathExists(mainTablePath)))
    throw new Rejection('no_main_table', `main table ${mainTablePath} is missing`);
  return { draft, profile, listing, metadata, mainTablePath };
}

/** The dialect profile read the main table with (null: no profile, or not a csv). */
export function dialectOf(profile: Profile | null, mainTable: string): CsvDialect | null {
  return profile?.tables.find((t) => t.file === mainTable)?.dialect ?? null;
}

/**
 * Build must read the table profile described (the draft chose its columns from profile.json):
 * other columns mean the file changed after profile, or the two readers disagree.
 */
export function checkProfiledColumns(
  columns: readonly { name: string }[],
  profile: Profile | null,
  mainTable: string,
): void {
  const profiled = profile?.tables.find((t) => t.file === mainTable)?.columns.map((c) => c.name);
  if (!profiled) return;
  const read = columns.map((c) => c.name);
  if (read.length === profiled.length && read.every((name, i) => name === profiled[i])) return;
  const shown = (names: string[]) =>
    `${names.length} [${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}]`;
  throw new Rejection(
    'profile_mismatch',
    `main table ${mainTable} reads as ${shown(read)} columns but profile.json lists ${shown(profiled)}; rerun profile (--force) for this dataset`,
  );
}
