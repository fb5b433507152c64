import type { ServerResponse } from 'node:http';

/** A JSON answer with its exact content-length, as our loopback and reward servers send them. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
