import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Rejection } from '../../errors.ts';
import type { KaggleClient } from './client.ts';
import { failForStatus, KaggleUnavailableError, RetryableFailure, withRetry } from './http.ts';
import { IdleTimer } from './idle-timer.ts';
import type { DatasetRef } from './routes.ts';

/** What a stranger's storage may send: bytes on disk and wall time, over all attempts. */
export interface DownloadLimits {
  /** Most bytes the .part may hold (the config cap, lowered by the listing's declared size). */
  maxBytes: number;
  /** The whole download, every retry included, ends after this long. */
  deadlineMs: number;
}

const MiB = 1024 ** 2;

/**
 * The byte cap of one download: `kaggle.max_download_bytes`, lowered to the listing's declared
 * size when it has one. The zip of N bytes of files is at most N plus its headers (deflate falls
 * back to stored); 10% + 1 MiB leaves room for the headers of many small files.
 */
export function downloadByteLimit(maxBytes: number, declaredBytes: number | undefined): number {
  if (declaredBytes === undefined || !Number.isFinite(declaredBytes) || declaredBytes <= 0) return maxBytes;
  return Math.min(maxBytes, Math.ceil(declaredBytes * 1.1) + MiB);
}

export interface ArchiveInfo {
  bytes: number;
  /** Hex MD5 of the whole archive. */
  md5: string;
  /** Whether the storage answered an MD5 (x-goog-hash) that the bytes were checked against. */
  md5Checked: boolean;
  lastModified: string | undefined;
  /** Byte offsets a Range request resumed from (empty when the download ran in one go). */
  resumedFrom: number[];
}

/**
 * Fetches a dataset bundle to `zipPath`, streaming into `<zipPath>.part`. An interrupted or
 * truncated transfer resumes with `Range: bytes=N-` from what the .part already holds (also
 * across runs); the result is checked against the announced size and MD5 before the rename.
 * With `kept` (an archive already on disk), the request is conditional on its Last-Modified
 * and a 304 answer returns `kept` without transferring anything.
 *
 * Storage is a stranger: a body past `limits.maxBytes` (announced or counted) is refused as
 * download_too_large and its .part removed; a download still running at `limits.deadlineMs`
 * ends as download_timeout (.part removed); a transfer that stalls through every retry ends as
 * download_stalled (the .part is kept, bounded by the cap, so the next run resumes it).
 */
export async function downloadArchive(
  client: KaggleClient,
  ref: DatasetRef,
  version: number | undefined,
  zipPath: string,
  limits: DownloadLimits,
  signal?: AbortSignal,
  kept?: ArchiveInfo,
): Promise<ArchiveInfo> {
  const part = `${zipPath}.part`;
  const deadline = new AbortController();
  const timer = setTimeout(
    () =>
      deadline.abort(
        new DownloadTimeout(
          `download of ${ref.owner}/${ref.slug} still running after ${limits.deadlineMs} ms (kaggle.download_timeout_ms)`,
        ),
      ),
    limits.deadlineMs,
  );
  timer.unref();
  const joined = signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal;
  try {
    return await attemptDownload(client, ref, version, zipPath, limits, joined, kept);
  } catch (error) {
    if (signal?.aborted) throw error;
    if (deadline.signal.aborted) {
      await rm(part, { force: true });
      throw deadline.signal.reason;
    }
    if (error instanceof Rejection) await rm(part, { force: true });
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** The whole download ran past kaggle.download_timeout_ms (a trickle that never stalls). */
export class DownloadTimeout extends KaggleUnavailableError {
  override readonly reason = 'download_timeout';
}

async function attemptDownload(
  client: KaggleClient,
  ref: DatasetRef,
  version: number | undefined,
  zipPath: string,
  limits: DownloadLimits,
  signal: AbortSignal,
  kept: ArchiveInfo | undefined,
): Promise<ArchiveInfo> {
  const deps = client.deps;
  const what = `download of ${ref.owner}/${ref.slug}`;
  const part = `${zipPath}.part`;
  const resumedFrom: number[] = [];
  let location = await client.downloadLocation(ref, version, signal);
  let refreshLocation = false;

  return withRetry(
    deps,
    what,
    async () => {
      if (refreshLocation) {
        location = await client.downloadLocation(ref, version, signal);
        refreshLocation = false;
      }
      const have = await sizeOf(part);
      const headers: Record<string, string> = have > 0 ? { range: `bytes=${have}-` } : {};
      if (have === 0 && kept?.lastModified) headers['if-modified-since'] = kept.lastModified;
      const idle = new IdleTimer(deps.timeoutMs, signal);
      try {
        const response =
          location.kind === 'redirect'
            ? await deps.fetch(location.url, { headers, signal: idle.signal })
            : await client.send(location.request, { headers, signal: idle.signal, timeout: false });
        idle.touch();
        if (response.status === 304 && kept) {
          await response.body?.cancel();
          return kept;
        }
        const body = await archiveBody(deps, what, response, part, location.kind === 'redirect', () => {
          refreshLocation = true;
        });
        const expected = await expectedTotal(response, have, part);
        if (response.status === 206) resumedFrom.push(have);
        await streamToPart({
          body,
          append: response.status === 206,
          have,
          expected,
          part,
          limits,
          what,
          idle,
          signal,
        });
        const checked = await checkPart(part, expected, response.headers);
        await rename(part, zipPath);
        const lastModified = response.headers.get('last-modified') ?? undefined;
        return { ...checked, lastModified, resumedFrom };
      } finally {
        idle.stop();
      }
    },
    signal,
  );
}

/**
 * The body of an answer that carries archive bytes; any other answer throws: a refused resume
 * range restarts from zero, a refused signed URL (it may have expired) asks for a fresh one.
 */
async function archiveBody(
  deps: KaggleClient['deps'],
  what: string,
  response: Response,
  part: string,
  redirected: boolean,
  refreshLocation: () => void,
): Promise<ReadableStream<Uint8Array>> {
  if (response.status === 416) {
    await rm(part, { force: true });
    throw new RetryableFailure('storage refused the resume range (416); restarting');
  }
  if (redirected && [400, 401, 403].includes(response.status)) {
    refreshLocation();
    await response.body?.cancel();
    throw new RetryableFailure(`storage answered HTTP ${response.status}`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    failForStatus(deps, what, response.status, response.headers, '');
  }
  return response.body;
}

interface PartWrite {
  body: ReadableStream<Uint8Array>;
  /** A 206 answer continues the .part; any other rewrites it. */
  append: boolean;
  have: number;
  expected: number | undefined;
  part: string;
  limits: DownloadLimits;
  what: string;
  idle: IdleTimer;
  signal: AbortSignal;
}

/** Streams the body into the .part under the byte cap; an interrupted transfer is retryable. */
async function streamToPart(write: PartWrite): Promise<void> {
  const { body, append, expected, part, limits, what, idle, signal } = write;
  const start = append ? write.have : 0;
  if (expected !== undefined && expected > limits.maxBytes) {
    await body.cancel();
    throw tooLarge(what, `storage announces ${expected} bytes`, limits.maxBytes);
  }
  try {
    await pipeline(
      Readable.fromWeb(body as import('node:stream/web').ReadableStream),
      idle.transform(),
      byteCap(start, expected, limits.maxBytes, what),
      createWriteStream(part, { flags: append ? 'a' : 'w' }),
    );
  } catch (error) {
    if (signal.aborted || error instanceof Rejection) throw error;
    if (error instanceof LengthExceeded) {
      await rm(part, { force: true });
      throw error;
    }
    const got = await sizeOf(part);
    throw new RetryableFailure(
      `transfer interrupted at ${got} bytes (${(error as Error).message})`,
      undefined,
      idle.fired ? 'download_stalled' : 'download_interrupted',
    );
  }
}

/** The finished .part against the announced size and MD5; a wrong one is removed or resumed. */
async function checkPart(
  part: string,
  expected: number | undefined,
  headers: Headers,
): Promise<Pick<ArchiveInfo, 'bytes' | 'md5' | 'md5Checked'>> {
  const got = await sizeOf(part);
  if (expected !== undefined && got < expected) {
    throw new RetryableFailure(`truncated body: ${got} of ${expected} bytes`);
  }
  if (expected !== undefined && got > expected) {
    await rm(part, { force: true });
    throw new RetryableFailure(`body longer than announced: ${got} of ${expected} bytes`);
  }
  const md5 = await md5File(part);
  const announced = announcedMd5(headers.get('x-goog-hash'));
  if (announced && announced !== md5) {
    await rm(part, { force: true });
    throw new RetryableFailure(`MD5 mismatch (storage says ${announced}, got ${md5})`);
  }
  return { bytes: got, md5, md5Checked: announced !== undefined };
}

function tooLarge(what: string, found: string, maxBytes: number): Rejection {
  return new Rejection(
    'download_too_large',
    `${what}: ${found}, more than the limit of ${maxBytes} bytes (kaggle.max_download_bytes, lowered to the listing's declared size)`,
  );
}

/** Storage sent more than it announced: the bytes are not the ones it described. */
class LengthExceeded extends RetryableFailure {}

/**
 * Counts the bytes as they arrive and stops the transfer at the cap, so an endless body never
 * reaches the disk past it; bytes beyond an announced length are a lie and stop it too.
 */
function byteCap(start: number, expected: number | undefined, maxBytes: number, what: string): Transform {
  let total = start;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      if (total > maxBytes) return callback(tooLarge(what, `the body passed ${maxBytes} bytes`, maxBytes));
      if (expected !== undefined && total > expected) {
        return callback(new LengthExceeded(`body longer than announced: more than ${expected} bytes`));
      }
      callback(null, chunk);
    },
  });
}

async function expectedTotal(response: Response, have: number, part: string): Promise<number | undefined> {
  if (response.status === 206) {
    const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
    if (!match || Number(match[1]) !== have) {
      await response.body?.cancel();
      await rm(part, { force: true });
      throw new RetryableFailure(
        `storage resumed at the wrong offset (${response.headers.get('content-range')})`,
      );
    }
    return match[3] === '*' ? undefined : Number(match[3]);
  }
  const length = response.headers.get('content-length');
  return length && /^\d+$/.test(length) ? Number(length) : undefined;
}

/** `x-goog-hash: crc32c=...,md5=<base64>` -> hex MD5. */
export function announcedMd5(header: string | null): string | undefined {
  const match = /(?:^|,)\s*md5=([A-Za-z0-9+/=]+)/.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const bytes = Buffer.from(match[1], 'base64');
  return bytes.length === 16 ? bytes.toString('hex') : undefined;
}

export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}
