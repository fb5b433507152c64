import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
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
import type { Paths } from '../../store/paths.ts';
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

async function readJson<T>(
  path: string,
  schema: z.ZodType<T>,
  what: string,
  optional: boolean,
): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (optional && (error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Rejection('missing_input', `${what} is missing at ${path}: run the previous stage again`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Rejection(
      'invalid_input',
      `${what} at ${path} is not JSON: run the previous stage with --force`,
    );
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Rejection(
      'invalid_input',
      `${what} at ${path} does not match its schema (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`,
    );
  }
  return parsed.data;
}

export async function loadDraftInput(ctx: Context, id: DatasetId): Promise<DraftInput> {
  const files = draftInputFiles(ctx.paths, id);
  const profile = await readJson(files.profile, profileSchema, 'profile.json', false);
  const metadata = await readJson(files.metadata, kaggleMetadataSchema, 'metadata.json', false);
  const listing = await readJson(files.listing, kaggleListItemSchema, 'listing.json', true);
  if (!profile || !metadata) throw new Rejection('missing_input', `inputs of ${id} are missing`);
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
