import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, realpath } from 'node:fs/promises';
import { isAbsolute, join, posix, sep } from 'node:path';
import { corpusSection } from '../config/sections/core.ts';
import { type LenientJsonResult, parseLenientJson } from './lenient-json.ts';

type CorpusLimitsConfig = ReturnType<typeof corpusSection.parse>['limits'];

/**
 * Opening a file of a third-party corpus safely: the file must lie inside its folder with no
 * symbolic link on the way (the folder itself included), be a regular file (never a FIFO,
 * socket or device, which can block or never end), and be at most `maxBytes` long. Every
 * command that reads a corpus (verify --corpus, release --corpus, score) reads through here.
 */
export const insideFailureReasons = [
  'missing',
  'link',
  'outside',
  'special_file',
  'too_large',
  'unreadable',
] as const;
export type InsideFailureReason = (typeof insideFailureReasons)[number];
export type InsideFailure = { ok: false; reason: InsideFailureReason; detail: string };
export type InsideFile = { ok: true; path: string; size: number };

const MB = 1024 * 1024;

function failure(reason: InsideFailureReason, detail: string): InsideFailure {
  return { ok: false, reason, detail };
}

/** The relative path split into plain segments, or null when it is absolute or climbs out. */
function segmentsOf(relativePath: string): string[] | null {
  if (relativePath.length === 0 || relativePath.includes('\0')) return null;
  if (isAbsolute(relativePath) || relativePath.startsWith('\\')) return null;
  const normal = posix.normalize(relativePath.replaceAll('\\', '/'));
  if (normal === '.' || normal === '..' || normal.startsWith('../') || normal.startsWith('/')) return null;
  return normal.split('/').filter((s) => s !== '' && s !== '.');
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isDirectory()) return 'a folder';
  return 'not a regular file';
}

function codeOf(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error ? String(error.code) : undefined;
}

async function lstatOrFailure(path: string, shown: string): Promise<Stats | InsideFailure> {
  try {
    return await lstat(path);
  } catch (error) {
    const code = codeOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return failure('missing', `${shown} does not exist`);
    return failure('unreadable', `${shown}: ${code ?? String(error)}`);
  }
}

/**
 * Checks `relativePath` under `folder` without reading it: each step is lstat'ed, so a link
 * anywhere (the folder included) is refused rather than followed. For readers that need a
 * path (DuckDB, SQLite) rather than bytes.
 */
export async function checkInside(
  folder: string,
  relativePath: string,
  maxBytes: number,
): Promise<InsideFile | InsideFailure> {
  const shown = relativePath;
  const segments = segmentsOf(relativePath);
  if (segments === null) return failure('outside', `${shown} is not a plain relative path inside its folder`);
  const base = await lstatOrFailure(folder, 'the folder');
  if ('ok' in base) return base;
  if (base.isSymbolicLink()) return failure('link', `the folder of ${shown} is a symbolic link`);
  if (!base.isDirectory()) return failure('missing', `the folder of ${shown} is not a folder`);
  let path = folder;
  let stats: Stats = base;
  for (const [index, segment] of segments.entries()) {
    path = join(path, segment);
    const step = await lstatOrFailure(path, shown);
    if ('ok' in step) return step;
    stats = step;
    const here = segments.slice(0, index + 1).join('/');
    if (stats.isSymbolicLink()) return failure('link', `${here} is a symbolic link; links are refused`);
    if (index < segments.length - 1 && !stats.isDirectory())
      return failure('missing', `${here} is not a folder`);
  }
  if (!stats.isFile())
    return failure('special_file', `${shown} is ${kindOf(stats)}; only regular files are read`);
  const [root, real] = await Promise.all([realpath(folder), realpath(path)]).catch(() => ['', '']);
  if (root === '' || !real.startsWith(root + sep))
    return failure('outside', `${shown} resolves outside its folder`);
  if (stats.size > maxBytes)
    return failure(
      'too_large',
      `${shown} is ${describeBytes(stats.size)}, over the ${describeBytes(maxBytes)} cap`,
    );
  return { ok: true, path, size: stats.size };
}

/**
 * Reads a file inside `folder` (see checkInside), at most `maxBytes`: opened without following
 * links and without blocking, checked to be the same regular file, and read no further than
 * the cap even if it grows meanwhile.
 */
export async function readInside(
  folder: string,
  relativePath: string,
  maxBytes: number,
): Promise<{ ok: true; bytes: Buffer } | InsideFailure> {
  const checked = await checkInside(folder, relativePath, maxBytes);
  if (!checked.ok) return checked;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(checked.path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = codeOf(error);
    if (code === 'ELOOP') return failure('link', `${relativePath} became a symbolic link`);
    if (code === 'ENOENT') return failure('missing', `${relativePath} does not exist`);
    return failure('unreadable', `${relativePath}: ${code ?? String(error)}`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile())
      return failure('special_file', `${relativePath} is ${kindOf(stats)}; only regular files are read`);
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.alloc(Math.min(maxBytes + 1, 4 * MB));
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes)
        return failure('too_large', `${relativePath} is over the ${describeBytes(maxBytes)} cap`);
      chunks.push(Buffer.from(chunk.subarray(0, bytesRead)));
    }
    return { ok: true, bytes: Buffer.concat(chunks, total) };
  } catch (error) {
    return failure('unreadable', `${relativePath}: ${codeOf(error) ?? String(error)}`);
  } finally {
    await handle.close();
  }
}

/** A file's text (UTF-8), or why it cannot be read. */
export async function readTextInside(
  folder: string,
  relativePath: string,
  maxBytes: number,
): Promise<{ ok: true; text: string } | InsideFailure> {
  const read = await readInside(folder, relativePath, maxBytes);
  if (!read.ok) return read;
  try {
    return { ok: true, text: read.bytes.toString('utf8') };
  } catch {
    // Past V8's longest string (about 512 MB): a cap set that high still never crashes.
    return failure('too_large', `${relativePath} is too long to hold as text`);
  }
}

/** A JSON file read with the lenient reader, or why it cannot be (file or JSON reason). */
export async function readJsonInside(
  folder: string,
  relativePath: string,
  maxBytes: number,
): Promise<{ ok: true; value: unknown } | InsideFailure | Exclude<LenientJsonResult, { ok: true }>> {
  const read = await readTextInside(folder, relativePath, maxBytes);
  if (!read.ok) return read;
  const parsed = parseLenientJson(read.text);
  return parsed.ok ? parsed : { ...parsed, detail: `${relativePath}: ${parsed.detail}` };
}

/**
 * Every file under `relativeFolder` of `folder` (relative to `folder`, sorted), or the first
 * link, special file or oversized file met: a folder is copied only when all of it is safe.
 */
export async function listInside(
  folder: string,
  relativeFolder: string,
  maxBytes: number,
): Promise<{ ok: true; files: string[] } | InsideFailure> {
  const segments = segmentsOf(relativeFolder);
  if (segments === null) return failure('outside', `${relativeFolder} is not a plain relative path`);
  const base = await lstatOrFailure(folder, 'the folder');
  if ('ok' in base) return base;
  if (base.isSymbolicLink()) return failure('link', `the folder of ${relativeFolder} is a symbolic link`);
  const files: string[] = [];
  const pending = [segments.join('/')];
  while (pending.length > 0) {
    const current = pending.pop() ?? '';
    const stats = await lstatOrFailure(join(folder, current), current);
    if ('ok' in stats) return stats;
    if (stats.isSymbolicLink()) return failure('link', `${current} is a symbolic link; links are refused`);
    if (!stats.isDirectory()) return failure('special_file', `${current} is not a folder`);
    for (const entry of await readdir(join(folder, current), { withFileTypes: true })) {
      const path = `${current}/${entry.name}`;
      if (entry.isDirectory()) pending.push(path);
      else {
        const checked = await checkInside(folder, path, maxBytes);
        if (!checked.ok) return checked;
        files.push(path);
      }
    }
  }
  return { ok: true, files: files.sort() };
}

export function describeBytes(bytes: number): string {
  return bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : `${bytes} bytes`;
}

/** Caps for reading a third-party corpus, in bytes (from the config's `corpus.limits`). */
export interface CorpusReadLimits {
  maxFileBytes: number;
  maxMetadataBytes: number;
  maxPredictionBytes: number;
}

export function readLimitsFrom(limits: CorpusLimitsConfig): CorpusReadLimits {
  return {
    maxFileBytes: Math.floor(limits.max_file_mb * MB),
    maxMetadataBytes: Math.floor(limits.max_metadata_mb * MB),
    maxPredictionBytes: Math.floor(limits.max_prediction_mb * MB),
  };
}

/** The caps of a config that leaves corpus.limits at its defaults. */
export function defaultReadLimits(): CorpusReadLimits {
  return readLimitsFrom(corpusSection.parse({}).limits);
}
