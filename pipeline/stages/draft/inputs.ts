import { join } from 'node:path';
import type { Context } from '../../context.ts';
import { Rejection } from '../../errors.ts';
import type { DatasetId } from '../../ids.ts';
import {
  type KaggleListItem,
  type KaggleMetadata,
  kaggleListItemSchema,
  kaggleMetadataSchema,
} from '../../sources/shapes.ts';
import type { Paths } from '../../store/paths.ts';
import { readJsonArtifact } from '../../store/read-artifact.ts';
import { type Profile, profileSchema, type TableProfile } from '../profile/schema.ts';
import { sampleValues } from './columns.ts';
import { rawTimeValues } from './raw-values.ts';

/** Everything a drafter (offline or LLM) may look at for one dataset. */
export interface DraftInput {
  id: DatasetId;
  profile: Profile;
  /** The profile of the main table, the only table tasks are built from. */
  table: TableProfile;
  metadata: KaggleMetadata;
  listing: KaggleListItem | null;
  /** Values of a column as written in the file (raw text for typed date columns of a CSV). */
  samples(column: string): string[];
}

export function draftInputFiles(paths: Paths, id: DatasetId) {
  return {
    profile: paths.artifact(id, 'profile.json'),
    metadata: join(paths.rawDir(id), 'metadata.json'),
    listing: join(paths.rawDir(id), 'listing.json'),
  };
}

export async function loadDraftInput(ctx: Context, id: DatasetId): Promise<DraftInput> {
  const files = draftInputFiles(ctx.paths, id);
  const profile = await readJsonArtifact(files.profile, profileSchema, { what: 'profile.json' });
  const metadata = await readJsonArtifact(files.metadata, kaggleMetadataSchema, { what: 'metadata.json' });
  const listing = await readJsonArtifact(files.listing, kaggleListItemSchema, {
    what: 'listing.json',
    optional: true,
  });
  const table = profile.tables.find((candidate) => candidate.file === profile.main_table.file);
  if (!table) {
    throw new Rejection(
      'invalid_input',
      `profile.json names main table "${profile.main_table.file}" but has no profile for it: rerun profile`,
    );
  }
  const raw = await rawTimeValues(ctx, id, table);
  const samples = (column: string) => raw.get(column) ?? sampleValues(table, column);
  return { id, profile, table, metadata, listing, samples };
}
