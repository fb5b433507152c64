import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { Rejection } from '../errors.ts';

export interface ReadArtifactOptions {
  /** The file's name in messages (profile.json, metadata.json). */
  what: string;
  /** A missing file gives null instead of a rejection. */
  optional?: boolean;
  /** The rejection reason of a missing file (default missing_input), e.g. build's no_draft. */
  missingReason?: string;
}

/**
 * The one "read a JSON artifact of an earlier stage or reject the dataset": a missing file is
 * rejected(missing_input), one that is not JSON or does not match its schema
 * rejected(invalid_input), each naming the file and what to rerun.
 */
export function readJsonArtifact<T>(
  path: string,
  schema: z.ZodType<T>,
  options: ReadArtifactOptions & { optional: true },
): Promise<T | null>;
export function readJsonArtifact<T>(
  path: string,
  schema: z.ZodType<T>,
  options: ReadArtifactOptions & { optional?: false },
): Promise<T>;
export async function readJsonArtifact<T>(
  path: string,
  schema: z.ZodType<T>,
  options: ReadArtifactOptions,
): Promise<T | null> {
  const { what } = options;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (options.optional && (error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Rejection(
      options.missingReason ?? 'missing_input',
      `${what} is missing at ${path}: run the previous stage again`,
    );
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
