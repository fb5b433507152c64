import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: Buffer;
  json(): unknown;
}

/** What the fake server answers; `hangMs` holds the answer back (for client timeouts). */
export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
  hangMs?: number;
  /** After `text` (if any), send this byte over and over without end or Content-Length. */
  endless?: string;
  /** With `endless`: one chunk of 16 bytes every this many ms instead of as fast as possible. */
  trickleMs?: number;
}

export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

export interface Loopback {
  url: string;
  /** Requests received per route key ('POST /v1/chat/completions'). */
  hits(route: string): number;
  requests: RecordedRequest[];
  /** Most requests the server was answering at the same moment. */
  peakConcurrency(): number;
  /** Bytes written by `endless` replies so far (a client that stops reading keeps it small). */
  endlessBytesSent(): number;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 with routes like 'GET /v1/batches/:id'. */
export async function startLoopback(routes: Record<string, Handler>): Promise<Loopback> {
  const counts = new Map<string, number>();
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let active = 0;
  let peak = 0;
  let sentBytes = 0;
  const table = Object.entries(routes).map(([key, handler]) => {
    const [method, pattern] = key.split(' ') as [string, string];
    return { key, method, parts: pattern.split('/'), handler };
  });

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    active += 1;
    peak = Math.max(peak, active);
    res.on('close', () => {
      active -= 1;
    });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const parts = path.split('/');
    const route = table.find((entry) => entry.method === req.method && matches(entry.parts, parts));
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route for ${req.method} ${path}` } }));
      return;
    }
    const body = Buffer.concat(chunks);
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      params: params(route.parts, parts),
      headers: req.headers,
      body,
      json: () => JSON.parse(body.toString('utf8')),
    };
    counts.set(route.key, (counts.get(route.key) ?? 0) + 1);
    requests.push(recorded);
    const reply = await route.handler(recorded);
    const send = () => {
      if (res.destroyed) return;
      if (reply.endless !== undefined) return sendEndless(res, reply, (n) => (sentBytes += n));
      const text = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? '');
      const type = reply.json !== undefined ? 'application/json' : 'text/plain';
      res.writeHead(reply.status ?? 200, { 'content-type': type, ...reply.headers });
      res.end(text);
    };
    if (reply.hangMs) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, reply.hangMs);
      timers.add(timer);
    } else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: (route) => counts.get(route) ?? 0,
    requests,
    peakConcurrency: () => peak,
    endlessBytesSent: () => sentBytes,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function matches(pattern: string[], parts: string[]): boolean {
  return (
    pattern.length === parts.length && pattern.every((part, i) => part.startsWith(':') || part === parts[i])
  );
}

function params(pattern: string[], parts: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  pattern.forEach((part, i) => {
    if (part.startsWith(':')) out[part.slice(1)] = parts[i] ?? '';
  });
  return out;
}

/** A 200 that never ends (no Content-Length): `text`, then `endless` repeated until the client hangs up. */
function sendEndless(res: ServerResponse, reply: Reply, count: (bytes: number) => void): void {
  res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
  if (reply.text) res.write(reply.text);
  if (reply.trickleMs) {
    const timer = setInterval(() => {
      count(16);
      res.write((reply.endless ?? 'x').repeat(16));
    }, reply.trickleMs);
    res.on('close', () => clearInterval(timer));
    return;
  }
  const chunk = Buffer.from((reply.endless ?? 'x').repeat(64 * 1024));
  const pump = () => {
    while (!res.destroyed) {
      count(chunk.length);
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
  };
  pump();
}
