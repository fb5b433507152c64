import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ZipFile } from 'yazl';

const fixedTime = new Date('2025-01-01T00:00:00Z');

export interface ZipEntry {
  name: string;
  data: Buffer;
  mode?: number;
}

/** A zip built with yazl, deterministic (fixed mtime, sorted entries). */
export function buildZip(entries: readonly ZipEntry[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const entry of entries) {
    zip.addBuffer(entry.data, entry.name, { mtime: fixedTime, mode: entry.mode ?? 0o100644, compress: true });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** Zips every file of a mirror dataset's files/ folder, as Kaggle's bundle download does. */
export async function zipFolder(dir: string): Promise<Buffer> {
  const names = (await readdir(dir)).sort();
  const entries: ZipEntry[] = [];
  for (const name of names) entries.push({ name, data: await readFile(join(dir, name)) });
  return buildZip(entries);
}

/**
 * yazl refuses to write `../` names, as it should; an attacker's zip has them anyway. Build
 * with a same-length placeholder and patch the name bytes in both headers.
 */
export async function evilZip(): Promise<Buffer> {
  const zip = await buildZip([
    { name: 'fine.csv', data: Buffer.from('a,b\n1,2\n') },
    { name: 'xx/evil.csv', data: Buffer.from('pwned\n') },
  ]);
  return replaceAll(zip, Buffer.from('xx/evil.csv'), Buffer.from('../evil.csv'));
}

export function symlinkZip(): Promise<Buffer> {
  return buildZip([
    { name: 'fine.csv', data: Buffer.from('a,b\n1,2\n') },
    { name: 'link.csv', data: Buffer.from('/etc/passwd'), mode: 0o120777 },
  ]);
}

export async function nestedZip(): Promise<Buffer> {
  const inner = await buildZip([{ name: 'inner.csv', data: Buffer.from('a\n1\n') }]);
  return buildZip([
    { name: 'fine.csv', data: Buffer.from('a,b\n1,2\n') },
    { name: 'more.zip', data: inner },
  ]);
}

/** A few KiB that inflate to `inflatedBytes` of zeros. */
export function bombZip(inflatedBytes: number): Promise<Buffer> {
  return buildZip([{ name: 'data.csv', data: Buffer.alloc(inflatedBytes, 0x30) }]);
}

export function manyEntriesZip(count: number): Promise<Buffer> {
  return buildZip(
    Array.from({ length: count }, (_, i) => ({ name: `part-${i}.csv`, data: Buffer.from(`x\n${i}\n`) })),
  );
}

function replaceAll(buffer: Buffer, from: Buffer, to: Buffer): Buffer {
  const out = Buffer.from(buffer);
  let at = out.indexOf(from);
  while (at !== -1) {
    to.copy(out, at);
    at = out.indexOf(from, at + from.length);
  }
  return out;
}

export function md5Base64(data: Buffer): string {
  return createHash('md5').update(data).digest('base64');
}
