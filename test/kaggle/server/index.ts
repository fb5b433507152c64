import { readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Fault, type FaultRule, type Operation, type RequestRecord, takeFault } from './faults.ts';
import { parseRoute, type Route, readBody, sendJson } from './routing.ts';
import { bombZip, evilZip, manyEntriesZip, md5Base64, nestedZip, symlinkZip, zipFolder } from './zips.ts';

export type { FaultRule, RequestRecord } from './faults.ts';

export interface KaggleServerOptions {
  /** A Kaggle-shaped mirror: index.json, <owner>/<slug>/{metadata.json,files/}. */
  root: string;
  pageSize?: number;
  /** The last page served; later pages come back empty, as on Kaggle (500). */
  pageCap?: number;
  /** Accepted Authorization header values; when set, API calls without one get 401. */
  acceptedAuthorizations?: string[];
}

type Item = Record<string, unknown> & { ref: string; totalBytes?: number; title?: string };

/** A loopback Kaggle API over the fixture mirror, speaking both URL styles, with fault injection. */
export class KaggleServer {
  readonly requests: RequestRecord[] = [];
  readonly faults: FaultRule[] = [];
  /** Refs the server pretends do not exist (yet). */
  readonly hidden = new Set<string>();
  /** Version overrides per ref (a new version published). */
  readonly versions = new Map<string, number>();
  /** Most storage downloads in flight at once. */
  peakStorage = 0;
  /** Body bytes the storage route wrote to sockets (endless faults included). */
  storageBytesSent = 0;
  #activeStorage = 0;
  readonly #options: Required<Omit<KaggleServerOptions, 'acceptedAuthorizations'>> & {
    acceptedAuthorizations?: string[];
  };
  readonly #index: Item[];
  readonly #zips = new Map<string, Promise<Buffer>>();
  #server: Server | undefined;
  #url = '';

  constructor(options: KaggleServerOptions) {
    this.#options = { pageSize: 20, pageCap: 500, ...options };
    this.#index = JSON.parse(readFileSync(join(options.root, 'index.json'), 'utf8')) as Item[];
  }

  static async start(options: KaggleServerOptions): Promise<KaggleServer> {
    const server = new KaggleServer(options);
    await server.#listen();
    return server;
  }

  get url(): string {
    return this.#url;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server?.closeAllConnections();
      this.#server?.close(() => resolve());
    });
  }

  requestsFor(filter: { ref?: string; op?: Operation }): RequestRecord[] {
    return this.requests.filter(
      (r) => (!filter.ref || r.ref === filter.ref) && (!filter.op || r.op === filter.op),
    );
  }

  async #listen(): Promise<void> {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    this.#url = `http://127.0.0.1:${port}`;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const n = this.requests.length + 1;
    const url = new URL(req.url ?? '/', this.#url);
    const text = await readBody(req);
    const route = parseRoute(req.method ?? 'GET', url, text);
    const record: RequestRecord = {
      n,
      method: req.method ?? 'GET',
      path: url.pathname,
      op: route?.op ?? 'unknown',
      ref: route?.ref,
      style: route?.style ?? 'unknown',
      range: req.headers.range,
      ifModifiedSince: req.headers['if-modified-since'],
      authorization: req.headers.authorization,
      fault: undefined,
    };
    this.requests.push(record);
    if (!route) return sendJson(res, 404, { code: 404, message: `no route ${url.pathname}` });
    const fault = takeFault(this.faults, { n, op: route.op, ref: route.ref });
    record.fault = fault?.kind;
    if (fault?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.kind === 'status') {
      // A careless server echoing the credentials back: the client must not pass them on.
      const echo = fault.echoAuthorization ? ` (you sent ${req.headers.authorization})` : '';
      return this.#error(res, route, fault.status, fault.retryAfter, echo);
    }
    if (fault?.kind === 'body-error') {
      const body =
        route.style === 'rpc'
          ? { error: { code: fault.code, status: 'RESOURCE_EXHAUSTED' } }
          : { code: fault.code, message: 'TooManyRequests' };
      return sendJson(res, 200, body);
    }
    if (fault?.kind === 'raw-body') {
      res.writeHead(200, { 'content-type': fault.contentType ?? 'application/json' });
      return void res.end(fault.body);
    }
    if (fault?.kind === 'error-message') {
      return sendJson(res, 200, { info: {}, datasetFiles: [], errorMessage: fault.message });
    }
    const accepted = this.#options.acceptedAuthorizations;
    if (accepted && route.style !== 'storage' && !accepted.includes(req.headers.authorization ?? '')) {
      return this.#error(res, route, 401);
    }
    if (route.ref && !this.#item(route.ref)) return this.#error(res, route, 404);
    switch (route.op) {
      case 'list':
        return this.#list(res, route);
      case 'view':
        return sendJson(res, 200, this.#item(route.ref as string));
      case 'metadata':
        return sendJson(
          res,
          200,
          JSON.parse(await readFile(join(this.#dir(route.ref as string), 'metadata.json'), 'utf8')),
        );
      case 'files':
        return sendJson(res, 200, {
          datasetFiles: await this.#files(route.ref as string),
          errorMessage: '',
          nextPageToken: '',
        });
      case 'download': {
        const version = this.#item(route.ref as string)?.currentVersionNumber;
        res.writeHead(302, {
          location: `${this.#url}/storage/${route.ref}.zip?v=${version}&sig=s3cr3t-signature`,
        });
        return void res.end();
      }
      case 'storage':
        return this.#storage(req, res, route.ref as string, fault);
    }
  }

  #item(ref: string): Item | undefined {
    if (this.hidden.has(ref)) return undefined;
    const item = this.#index.find((candidate) => candidate.ref === ref);
    if (!item) return undefined;
    const version = this.versions.get(ref);
    return version === undefined ? item : { ...item, currentVersionNumber: version };
  }

  #dir(ref: string): string {
    return join(this.#options.root, ...ref.split('/'));
  }

  #list(res: ServerResponse, route: Route): void {
    const p = route.params;
    const search = String(p.search ?? '').toLowerCase();
    const user = String(p.user ?? '');
    const min = p.minSize === undefined ? 0 : Number(p.minSize);
    const max = p.maxSize === undefined ? Number.POSITIVE_INFINITY : Number(p.maxSize);
    const matching = this.#index
      .filter((item) => !this.hidden.has(item.ref))
      .map((item) => this.#item(item.ref) as Item)
      .filter((item) => !search || `${item.ref} ${item.title ?? ''}`.toLowerCase().includes(search))
      .filter((item) => !user || item.ref.startsWith(`${user}/`))
      .filter((item) => (item.totalBytes ?? 0) >= min && (item.totalBytes ?? 0) <= max);
    const token = typeof p.pageToken === 'string' && p.pageToken ? Number(p.pageToken.slice(1)) : undefined;
    const page = token ?? Number(p.page ?? 1);
    const size = this.#options.pageSize;
    const items = page > this.#options.pageCap ? [] : matching.slice((page - 1) * size, page * size);
    const more = page < this.#options.pageCap && page * size < matching.length;
    if (route.style === 'rest') sendJson(res, 200, items);
    else sendJson(res, 200, { datasets: items, nextPageToken: more ? `p${page + 1}` : '' });
  }

  async #files(ref: string): Promise<unknown[]> {
    const dir = join(this.#dir(ref), 'files');
    const names = (await readdir(dir)).sort();
    return Promise.all(
      names.map(async (name) => {
        const header = (await readFile(join(dir, name), 'utf8')).split('\n', 1)[0] ?? '';
        return {
          name,
          totalBytes: (await stat(join(dir, name))).size,
          creationDate: '2025-01-01T00:00:00Z',
          description: `About ${name}`,
          columns: header.split(',').map((column) => ({ name: column, description: null, type: null })),
        };
      }),
    );
  }

  #zip(ref: string, fault: Fault | undefined): Promise<Buffer> {
    const kind = fault?.kind === 'zip' ? fault.zip : 'dataset';
    const key = `${kind}:${ref}`;
    let zip = this.#zips.get(key);
    if (!zip) {
      const makers: Record<string, () => Promise<Buffer>> = {
        dataset: () => zipFolder(join(this.#dir(ref), 'files')),
        evil: evilZip,
        symlink: symlinkZip,
        nested: nestedZip,
        bomb: () => bombZip(8 * 1024 * 1024),
        many: () => manyEntriesZip(50),
      };
      zip = (makers[kind] as () => Promise<Buffer>)();
      this.#zips.set(key, zip);
    }
    return zip;
  }

  async #storage(
    req: IncomingMessage,
    res: ServerResponse,
    ref: string,
    fault: Fault | undefined,
  ): Promise<void> {
    this.#activeStorage += 1;
    this.peakStorage = Math.max(this.peakStorage, this.#activeStorage);
    res.on('close', () => {
      this.#activeStorage -= 1;
    });
    const lastModified = 'Wed, 01 Jan 2025 00:00:00 GMT';
    const since = Date.parse(req.headers['if-modified-since'] ?? '');
    if (!Number.isNaN(since) && since >= Date.parse(lastModified)) {
      res.writeHead(304);
      return void res.end();
    }
    if (fault?.kind === 'endless' || fault?.kind === 'oversize' || fault?.kind === 'trickle') {
      return this.#endless(res, fault);
    }
    const zip = await this.#zip(ref, fault);
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (start >= zip.length && zip.length > 0) {
      res.writeHead(416, { 'content-range': `bytes */${zip.length}` });
      return void res.end();
    }
    const headers: Record<string, string> = {
      'content-type': 'application/zip',
      'accept-ranges': 'bytes',
      'last-modified': lastModified,
      'x-goog-hash': `crc32c=AAAAAA==,md5=${md5Base64(fault?.kind === 'bad-md5' ? Buffer.from('other') : zip)}`,
      'content-length': String(zip.length - start),
    };
    if (range) headers['content-range'] = `bytes ${start}-${zip.length - 1}/${zip.length}`;
    res.writeHead(range ? 206 : 200, headers);
    const body = zip.subarray(start);
    if (fault?.kind === 'stall') {
      res.write(body.subarray(0, fault.afterBytes));
      return;
    }
    if (fault?.kind === 'reset' || fault?.kind === 'truncate') {
      res.write(body.subarray(0, fault.afterBytes));
      // Let the bytes reach the client before the connection goes.
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (fault.kind === 'reset') res.socket?.resetAndDestroy();
      else res.socket?.end();
      return;
    }
    res.end(body);
  }

  /** A body without end, as fast as the client reads (or a trickle), until it hangs up. */
  #endless(res: ServerResponse, fault: Extract<Fault, { kind: 'endless' | 'oversize' | 'trickle' }>): void {
    const headers: Record<string, string> = { 'content-type': 'application/zip' };
    if (fault.kind === 'oversize') headers['content-length'] = String(fault.announce);
    res.writeHead(200, headers);
    res.flushHeaders();
    if (fault.kind === 'trickle') {
      const timer = setInterval(() => {
        this.storageBytesSent += 16;
        res.write(Buffer.alloc(16, 0x41));
      }, fault.intervalMs);
      res.on('close', () => clearInterval(timer));
      return;
    }
    const chunk = Buffer.alloc(64 * 1024, 0x30);
    const socket = res.socket;
    // Past a Content-Length, Node's response would refuse to write: a lying server writes to the socket.
    const write = (): boolean => {
      this.storageBytesSent += chunk.length;
      return fault.kind === 'oversize' && socket ? socket.write(chunk) : res.write(chunk);
    };
    const pump = () => {
      while (!res.destroyed && !socket?.destroyed) {
        if (!write()) return void (socket ?? res).once('drain', pump);
      }
    };
    pump();
  }

  #error(res: ServerResponse, route: Route, status: number, retryAfter?: string, extra = ''): void {
    const headers: Record<string, string> = retryAfter ? { 'retry-after': retryAfter } : {};
    const names: Record<number, string> = {
      401: 'UNAUTHENTICATED',
      403: 'PERMISSION_DENIED',
      404: 'NOT_FOUND',
      429: 'RESOURCE_EXHAUSTED',
    };
    const body =
      route.style === 'rpc'
        ? {
            error: {
              code: status,
              status: names[status] ?? 'INTERNAL',
              message: `injected ${status}${extra}`,
            },
          }
        : { code: status, message: `injected ${status}${extra}` };
    sendJson(res, status, body, headers);
  }
}
