import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { KaggleClient } from './client.ts';
import { failForStatus, RetryableFailure, withRetry } from './http.ts';
import type { DatasetRef } from './routes.ts';

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
 */
export async function downloadArchive(
  client: KaggleClient,
  ref: DatasetRef,
  version: number | undefined,
  zipPath: string,
  signal?: AbortSignal,
  kept?: ArchiveInfo,
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
        if (response.status === 416) {
          await rm(part, { force: true });
          throw new RetryableFailure('storage refused the resume range (416); restarting');
        }
        if (location.kind === 'redirect' && [400, 401, 403].includes(response.status)) {
          // The signed URL may have expired: ask the API for a fresh one.
          refreshLocation = true;
          await response.body?.cancel();
          throw new RetryableFailure(`storage answered HTTP ${response.status}`);
        }
        if (!response.ok || !response.body) {
          await response.body?.cancel();
          failForStatus(deps, what, response.status, response.headers, '');
        }
        const expected = await expectedTotal(response, have, part);
        if (response.status === 206) resumedFrom.push(have);
        const append = response.status === 206;
        try {
          await pipeline(
            Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
            idle.transform(),
            createWriteStream(part, { flags: append ? 'a' : 'w' }),
          );
        } catch (error) {
          if (signal?.aborted) throw error;
          const got = await sizeOf(part);
          throw new RetryableFailure(`transfer interrupted at ${got} bytes (${(error as Error).message})`);
        }
        const got = await sizeOf(part);
        if (expected !== undefined && got < expected) {
          throw new RetryableFailure(`truncated body: ${got} of ${expected} bytes`);
        }
        if (expected !== undefined && got > expected) {
          await rm(part, { force: true });
          throw new RetryableFailure(`body longer than announced: ${got} of ${expected} bytes`);
        }
        const md5 = await md5File(part);
        const announced = announcedMd5(response.headers.get('x-goog-hash'));
        if (announced && announced !== md5) {
          await rm(part, { force: true });
          throw new RetryableFailure(`MD5 mismatch (storage says ${announced}, got ${md5})`);
        }
        await rename(part, zipPath);
        const lastModified = response.headers.get('last-modified') ?? undefined;
        return { bytes: got, md5, md5Checked: announced !== undefined, lastModified, resumedFrom };
      } finally {
        idle.stop();
      }
    },
    signal,
  );
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

/** Aborts a transfer that makes no progress for `ms` (a whole-download timeout would kill big files). */
class IdleTimer {
  readonly #controller = new AbortController();
  readonly #ms: number;
  #timer: NodeJS.Timeout | undefined;
  readonly signal: AbortSignal;

  constructor(ms: number, outer?: AbortSignal) {
    this.#ms = ms;
    this.signal = outer ? AbortSignal.any([outer, this.#controller.signal]) : this.#controller.signal;
    this.touch();
  }

  touch(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () => this.#controller.abort(new RetryableFailure(`no data for ${this.#ms} ms`)),
      this.#ms,
    );
    this.#timer.unref();
  }

  transform(): Transform {
    return new Transform({
      transform: (chunk, _encoding, callback) => {
        this.touch();
        callback(null, chunk);
      },
    });
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}
