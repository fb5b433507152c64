import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { Rejection } from '../../errors.ts';

export interface ExtractLimits {
  maxTotalBytes: number;
  maxEntries: number;
  maxCompressionRatio: number;
  /** The ratio rule applies once an entry has inflated past this many bytes. */
  ratioFloorBytes: number;
  allowNestedArchives: boolean;
}

export interface ExtractedFile {
  name: string;
  bytes: number;
}

const archiveNames = /\.(zip|gz|tgz|tar|bz2|tbz2|xz|txz|7z|rar|zst|lz4|jar)$/i;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * Extracts an untrusted zip into `destDir`. Every refusal is a Rejection with a stable
 * reason: unsafe_archive_path (escapes the folder, absolute, link), archive_too_large,
 * archive_too_many_entries, archive_bomb (inflation ratio, counted on the actual inflated
 * bytes, never on header sizes), nested_archive, encrypted_archive, corrupt_archive.
 * On refusal the partial output is removed.
 */
export async function extractZip(
  zipPath: string,
  destDir: string,
  limits: ExtractLimits,
): Promise<ExtractedFile[]> {
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: false, strictFileNames: true });
  } catch (error) {
    throw toRejection(error);
  }
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw new Rejection(
        'archive_too_many_entries',
        `the archive lists ${zip.entryCount} entries, more than kaggle.extract.max_entries (${limits.maxEntries})`,
      );
    }
    return await extractEntries(zip, resolve(destDir), limits);
  } catch (error) {
    await cleanOutput(destDir);
    throw toRejection(error);
  } finally {
    zip.close();
  }
}

async function extractEntries(zip: ZipFile, root: string, limits: ExtractLimits): Promise<ExtractedFile[]> {
  const files: ExtractedFile[] = [];
  let total = 0;
  for (;;) {
    const entry = await nextEntry(zip);
    if (!entry) break;
    const name = entry.fileName;
    const target = safeTarget(root, name);
    if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) {
      throw new Rejection('unsafe_archive_path', `the archive entry "${name}" is a symbolic link`);
    }
    if (name.endsWith('/')) {
      await mkdir(target, { recursive: true });
      continue;
    }
    if (!limits.allowNestedArchives && archiveNames.test(name)) {
      throw new Rejection(
        'nested_archive',
        `the archive holds another archive ("${name}"); set kaggle.extract.allow_nested_archives to keep it`,
      );
    }
    if (entry.isEncrypted())
      throw new Rejection('encrypted_archive', `the archive entry "${name}" is encrypted`);
    if (total + entry.uncompressedSize > limits.maxTotalBytes) throw tooLarge(limits);
    await mkdir(dirname(target), { recursive: true });
    let inflated = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        inflated += chunk.length;
        total += chunk.length;
        if (total > limits.maxTotalBytes) return callback(tooLarge(limits));
        const ratio = inflated / Math.max(1, entry.compressedSize);
        if (inflated > limits.ratioFloorBytes && ratio > limits.maxCompressionRatio) {
          return callback(
            new Rejection(
              'archive_bomb',
              `the archive entry "${name}" inflates more than ${limits.maxCompressionRatio}x its compressed size (kaggle.extract.max_compression_ratio)`,
            ),
          );
        }
        callback(null, chunk);
      },
    });
    const stream = await zip.openReadStreamPromise(entry);
    // 'wx': a second entry with the same name is refused rather than overwriting the first.
    await pipeline(stream, counter, createWriteStream(target, { flags: 'wx' }));
    files.push({ name, bytes: inflated });
  }
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function safeTarget(root: string, name: string): string {
  const target = resolve(root, name);
  if (name.includes('\0') || name.includes('\\') || (target !== root && !target.startsWith(root + sep))) {
    throw new Rejection(
      'unsafe_archive_path',
      `the archive entry "${name}" would be written outside the dataset folder`,
    );
  }
  return target;
}

function tooLarge(limits: ExtractLimits): Rejection {
  return new Rejection(
    'archive_too_large',
    `the archive inflates past kaggle.extract.max_total_bytes (${limits.maxTotalBytes} bytes)`,
  );
}

function nextEntry(zip: ZipFile): Promise<Entry | undefined> {
  return new Promise((resolvePromise, reject) => {
    const onEntry = (entry: Entry) => done(() => resolvePromise(entry));
    const onEnd = () => done(() => resolvePromise(undefined));
    const onError = (error: Error) => done(() => reject(error));
    const done = (settle: () => void) => {
      zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
      settle();
    };
    zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
    zip.readEntry();
  });
}

/** yauzl's own refusals, mapped onto stable reasons. */
function toRejection(error: unknown): Rejection {
  if (error instanceof Rejection) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/^(absolute path|invalid relative path|invalid characters in fileName)/.test(message)) {
    return new Rejection('unsafe_archive_path', `the archive has an unsafe entry name (${message})`);
  }
  if (/too many bytes in the stream|inflated|uncompressedSize/i.test(message)) {
    return new Rejection('archive_bomb', `an archive entry inflates beyond its declared size (${message})`);
  }
  if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
    return new Rejection('unsafe_archive_path', 'the archive holds two entries with the same name');
  }
  return new Rejection('corrupt_archive', `the download is not a readable zip (${message})`);
}

async function cleanOutput(destDir: string): Promise<void> {
  await rm(destDir, { recursive: true, force: true });
  await mkdir(destDir, { recursive: true });
}
