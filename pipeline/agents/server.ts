import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { sendJson } from '../util/http.ts';
import type { AgentPolicy, AgentTurnInput } from './policy.ts';
import { type AgentProtocol, decodeRequest, encodeReply, protocolPaths, tokensOf } from './wire.ts';

export type { AgentProtocol } from './wire.ts';

/** One request the agent server answered (or refused), in arrival order. */
export interface AgentRequest {
  path: string;
  body: unknown;
  /** The policy's view of it; undefined when the body could not be decoded. */
  input: AgentTurnInput | undefined;
}

export interface AgentServer {
  /** The base URL a client is given: `http://127.0.0.1:<port>/v1` (Anthropic: without /v1). */
  baseUrl: string;
  requests: AgentRequest[];
  close(): Promise<void>;
}

const requestModel = z.looseObject({ model: z.string() });

const MAX_BODY_BYTES = 64 * 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += buffer.byteLength;
    if (total > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function errorBody(protocol: AgentProtocol, status: number, message: string): unknown {
  return protocol === 'anthropic'
    ? {
        type: 'error',
        error: { type: status === 404 ? 'not_found_error' : 'invalid_request_error', message },
      }
    : { error: { message, type: 'invalid_request_error', param: null, code: null } };
}

/**
 * A scripted agent behind a real loopback HTTP server speaking OpenAI Chat Completions, OpenAI
 * Responses or Anthropic Messages: it decodes each request into the policy's view, asks the
 * policy, and answers in the protocol's shape with token counts derived from text lengths.
 * Used as the test double for our provider clients and as the demo's agent.
 */
export async function startAgentServer(options: {
  policy: AgentPolicy;
  protocol: AgentProtocol;
  model?: string;
}): Promise<AgentServer> {
  const { policy, protocol } = options;
  const requests: AgentRequest[] = [];
  const path = protocolPaths[protocol];
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (request.method !== 'POST' || url.pathname !== path) {
        sendJson(response, 404, errorBody(protocol, 404, `this agent answers POST ${path} only`));
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(await readBody(request));
      } catch {
        sendJson(response, 400, errorBody(protocol, 400, 'the request body is not JSON'));
        return;
      }
      let input: AgentTurnInput;
      try {
        input = decodeRequest(protocol, body);
      } catch (error) {
        requests.push({ path: url.pathname, body, input: undefined });
        sendJson(
          response,
          400,
          errorBody(protocol, 400, `not a ${protocol} request: ${(error as Error).message}`),
        );
        return;
      }
      requests.push({ path: url.pathname, body, input });
      const reply = policy(input);
      const named = requestModel.safeParse(body);
      const model = options.model ?? (named.success ? named.data.model : 'scripted');
      const encoded = encodeReply(protocol, reply, {
        model,
        turn: input.toolResults.length + 1,
        inputTokens: tokensOf(JSON.stringify(body)),
      });
      sendJson(response, 200, encoded);
    })().catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, errorBody(protocol, 500, String(error)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: protocol === 'anthropic' ? `http://127.0.0.1:${port}` : `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
