import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Operation } from './faults.ts';

export interface Route {
  style: 'rpc' | 'rest' | 'storage';
  op: Operation;
  ref?: string;
  params: Record<string, unknown>;
}

const rpcOps: Record<string, Operation> = {
  ListDatasets: 'list',
  GetDatasetMetadata: 'metadata',
  GetDataset: 'view',
  ListDatasetFiles: 'files',
  DownloadDataset: 'download',
};
const restOps: Record<string, Operation> = {
  metadata: 'metadata',
  view: 'view',
  list: 'files',
  download: 'download',
};

export function parseRoute(method: string, url: URL, text: string): Route | undefined {
  const rpc = /^\/v1\/datasets\.DatasetApiService\/(\w+)$/.exec(url.pathname);
  if (rpc && method === 'POST') {
    const op = rpcOps[rpc[1] as string];
    if (!op) return undefined;
    const params = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const ref = params.ownerSlug ? `${params.ownerSlug}/${params.datasetSlug}` : undefined;
    return { style: 'rpc', op, ref, params };
  }
  const storage = /^\/storage\/([^/]+)\/([^/]+)\.zip$/.exec(url.pathname);
  if (storage && method === 'GET')
    return { style: 'storage', op: 'storage', ref: `${storage[1]}/${storage[2]}`, params: {} };
  const params = Object.fromEntries(url.searchParams);
  if (url.pathname === '/api/v1/datasets/list' && method === 'GET')
    return { style: 'rest', op: 'list', params };
  const rest = /^\/api\/v1\/datasets\/(metadata|view|list|download)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
  if (rest && method === 'GET') {
    return {
      style: 'rest',
      op: restOps[rest[1] as string] as Operation,
      ref: `${rest[2]}/${rest[3]}`,
      params,
    };
  }
  return undefined;
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
