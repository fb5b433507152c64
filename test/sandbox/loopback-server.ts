import { createServer, type Server } from 'node:http';
import type { Executor } from '../../pipeline/sandbox/contract.ts';

export interface Faults {
  /** Answer the first n run_code calls with HTTP 500. */
  http500?: number;
  /** Answer the next n calls with a SandboxFusion SandboxError. */
  sandboxError?: number;
  /** Never answer (the client must time out). */
  hang?: boolean;
}

export interface LoopbackServer {
  url: string;
  calls: number;
  maxInFlight: number;
  close(): Promise<void>;
}

/**
 * A SandboxFusion-shaped HTTP service on 127.0.0.1 over any executor: POST /run_code and
 * GET /v1/ping, with injectable faults, so the remote client is tested over real HTTP.
 */
export async function startLoopbackServer(executor: Executor, faults: Faults = {}): Promise<LoopbackServer> {
  let inFlight = 0;
  const state = { calls: 0, maxInFlight: 0 };
  const server: Server = createServer(async (request, response) => {
    if (request.method === 'GET' && request.url === '/v1/ping') {
      response.end('pong');
      return;
    }
    if (request.method !== 'POST' || request.url !== '/run_code') {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const call = ++state.calls;
    if (faults.hang) return;
    if (call <= (faults.http500 ?? 0)) {
      response.writeHead(500).end('internal error');
      return;
    }
    if (call <= (faults.http500 ?? 0) + (faults.sandboxError ?? 0)) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ status: 'SandboxError', message: 'pod evicted', run_result: null, files: {} }),
      );
      return;
    }
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    try {
      const answer = await executor.runCode(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer));
    } finally {
      inFlight--;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('loopback server has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    get calls() {
      return state.calls;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
