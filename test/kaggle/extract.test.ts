import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Rejection } from '../../pipeline/errors.ts';
import { type ExtractLimits, extractZip } from '../../pipeline/sources/kaggle/extract.ts';
import { removeDir, tempDir } from './helpers.ts';
import { bombZip, buildZip, evilZip, manyEntriesZip, nestedZip, symlinkZip } from './server/zips.ts';

const limits: ExtractLimits = {
  maxTotalBytes: 50 * 1024 * 1024,
  maxEntries: 20,
  maxCompressionRatio: 100,
  ratioFloorBytes: 1024 * 1024,
  allowNestedArchives: false,
};

let dir: string;
beforeEach(async () => {
  dir = await tempDir('kaggle-extract-');
});
afterEach(async () => {
  await removeDir(dir);
});

async function extract(zip: Buffer, overrides: Partial<ExtractLimits> = {}) {
  const zipPath = join(dir, 'download.zip');
  await writeFile(zipPath, zip);
  const out = join(dir, 'out', 'files');
  await mkdir(out, { recursive: true });
  return { out, result: extractZip(zipPath, out, { ...limits, ...overrides }) };
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Rejection);
  return (error as Rejection).reason;
}

function patch(buffer: Buffer, from: string, to: string): Buffer {
  expect(from.length).toBe(to.length);
  return Buffer.from(buffer.toString('latin1').split(from).join(to), 'latin1');
}

describe('extractZip', () => {
  it('extracts files and folders, reporting inflated sizes', async () => {
    const zip = await buildZip([
      { name: 'b.csv', data: Buffer.from('x,y\n1,2\n') },
      { name: 'sub/a.csv', data: Buffer.from('z\n3\n') },
    ]);
    const { out, result } = await extract(zip);
    expect(await result).toEqual([
      { name: 'b.csv', bytes: 8 },
      { name: 'sub/a.csv', bytes: 4 },
    ]);
    expect(await readFile(join(out, 'sub', 'a.csv'), 'utf8')).toBe('z\n3\n');
  });

  it.each([
    ['a ../ entry', () => evilZip()],
    [
      'an absolute entry',
      async () =>
        patch(await buildZip([{ name: 'xetc.csv', data: Buffer.from('1') }]), 'xetc.csv', '/etc.csv'),
    ],
    ['a symbolic link', () => symlinkZip()],
  ])('refuses %s as unsafe_archive_path and leaves nothing behind', async (_name, make) => {
    const { out, result } = await extract(await make());
    expect(await reasonOf(result)).toBe('unsafe_archive_path');
    expect(await readdir(out)).toEqual([]);
    expect(await readdir(join(dir, 'out'))).toEqual(['files']);
    expect((await readdir(dir, { recursive: true })).some((name) => name.includes('evil'))).toBe(false);
  });

  it('refuses nested archives unless allowed (then keeps them as files, unopened)', async () => {
    expect(await reasonOf((await extract(await nestedZip())).result)).toBe('nested_archive');
    const { result } = await extract(await nestedZip(), { allowNestedArchives: true });
    expect((await result).map((f) => f.name)).toEqual(['fine.csv', 'more.zip']);
  });

  it('refuses more entries than max_entries', async () => {
    expect(await reasonOf((await extract(await manyEntriesZip(21))).result)).toBe('archive_too_many_entries');
  });

  it('refuses a zip bomb by its inflation ratio', async () => {
    expect(await reasonOf((await extract(await bombZip(8 * 1024 * 1024))).result)).toBe('archive_bomb');
  });

  it('refuses archives inflating past max_total_bytes', async () => {
    const zip = await buildZip([
      { name: 'a.csv', data: Buffer.alloc(40_000, 0x31) },
      { name: 'b.csv', data: Buffer.alloc(40_000, 0x32) },
    ]);
    expect(await reasonOf((await extract(zip, { maxTotalBytes: 60_000 })).result)).toBe('archive_too_large');
  });

  it('counts the bytes actually inflated, not the sizes the headers declare', async () => {
    const zip = await buildZip([{ name: 'data.csv', data: Buffer.alloc(200_000, 0x30) }]);
    // Rewrite the central directory's uncompressed size (offset 24 of the entry) to claim 100 bytes.
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect(zip.readUInt32LE(central + 24)).toBe(200_000);
    zip.writeUInt32LE(100, central + 24);
    expect(await reasonOf((await extract(zip, { maxTotalBytes: 1000 })).result)).toBe('archive_bomb');
  });

  it('refuses something that is not a zip as corrupt_archive', async () => {
    expect(await reasonOf((await extract(Buffer.from('<html>rate limited</html>'))).result)).toBe(
      'corrupt_archive',
    );
  });
});
