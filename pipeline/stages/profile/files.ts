import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { TableProfile } from './schema.ts';

export type TableFormat = TableProfile['format'];

export interface RawFile {
  /** Path under files/, with '/' separators: how profile.json names the file. */
  name: string;
  path: string;
  bytes: number;
}

/** Every regular file under files/ (any nesting), sorted by name; symlinks are not followed. */
export async function listRawFiles(filesDir: string): Promise<RawFile[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(filesDir, { recursive: true, withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: RawFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const name = relative(filesDir, path).split(sep).join('/');
    files.push({ name, path, bytes: (await stat(path)).size });
  }
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const formatsByExtension: [RegExp, TableFormat][] = [
  [/\.csv(\.gz)?$/i, 'csv'],
  [/\.(tsv|tab)(\.gz)?$/i, 'tsv'],
  [/\.(json|jsonl|ndjson)(\.gz)?$/i, 'json'],
  [/\.(parquet|pq)$/i, 'parquet'],
  [/\.(sqlite|sqlite3|db)$/i, 'sqlite'],
  [/\.(xlsx|xls)$/i, 'xlsx'],
];

export function formatOf(name: string): TableFormat {
  return formatsByExtension.find(([pattern]) => pattern.test(name))?.[1] ?? 'other';
}

/** A text format whose first bytes (gunzipped for .gz) hold a NUL is binary data under a tabular name. */
export async function looksBinary(path: string): Promise<boolean> {
  if (/\.gz$/i.test(path)) return (await inflatedHead(path, 8192)).includes(0);
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(8192);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).includes(0);
  } finally {
    await handle.close();
  }
}

/** The first bytes of a file as text (gunzipped for .gz: the header and first rows, not zlib bytes). */
export async function readHead(
  path: string,
  bytes = 8192,
  encoding: BufferEncoding = 'utf8',
): Promise<string> {
  if (/\.gz$/i.test(path)) return (await inflatedHead(path, bytes)).toString(encoding);
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString(encoding);
  } finally {
    await handle.close();
  }
}

/** The first `bytes` bytes after gunzip; reading stops there, however far the file inflates. */
async function inflatedHead(path: string, bytes: number): Promise<Buffer> {
  const input = createReadStream(path);
  const gunzip = createGunzip();
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of input.pipe(gunzip)) {
      chunks.push(chunk as Buffer);
      total += (chunk as Buffer).length;
      if (total >= bytes) break;
    }
  } catch {
    // A broken stream: its readable start is the head; DuckDB reports the damage.
  } finally {
    input.destroy();
    gunzip.destroy();
  }
  return Buffer.concat(chunks).subarray(0, bytes);
}
