import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { sendJson } from '../util/http.ts';
import { type RewardLimits, type RewardTasks, rewardRequestSchema } from './score.ts';

export { defaultRewardLimits, type RewardLimits, RewardTasks } from './score.ts';

export interface RewardServerOptions {
  tasks: RewardTasks;
  host: string;
  port: number;
  limits: RewardLimits;
  /** Milliseconds a client has to send its whole request. */
  requestTimeoutMs?: number;
}

export interface RunningRewardServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The body, refused past the cap (counted as it arrives, whatever content-length claims). */
async function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new HttpFailure(413, `the body is over the ${maxBytes}-byte cap`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw new HttpFailure(413, `the body is over the ${maxBytes}-byte cap`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

async function getReward(request: IncomingMessage, options: RewardServerOptions) {
  const text = await readBody(request, options.limits.maxBodyBytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HttpFailure(400, 'the body is not JSON; send {"query": [...], "labels": [...]}');
  }
  const parsed = rewardRequestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpFailure(
      400,
      `${issue?.path.join('.') || 'body'}: ${issue?.message}; send {"query": [strings], "labels": [strings]}`,
    );
  }
  const { query, labels } = parsed.data;
  if (query.length !== labels.length) {
    throw new HttpFailure(
      400,
      `query has ${query.length} items but labels ${labels.length}; send one label per query`,
    );
  }
  if (query.length > options.limits.maxBatch) {
    throw new HttpFailure(413, `${query.length} items, over the batch cap of ${options.limits.maxBatch}`);
  }
  const results = [];
  for (const [i, item] of query.entries()) {
    results.push(await options.tasks.scoreItem(labels[i] ?? '', item, options.limits));
    await yieldToLoop(); // other connections are served between items
  }
  return {
    rewards: results.map((r) => r.reward),
    scores: results.map((r) => r.score),
    extra_logs: {
      metric_score: results.map((r) => r.score),
      prediction_exists: results.map((r) => (r.predictionExists ? 1 : 0)),
      unknown_task: results.map((r) => (r.reason === 'unknown_task' ? 1 : 0)),
    },
    reasons: results.map((r) => r.reason),
  };
}

/**
 * The OpenRLHF remote reward protocol: `POST /get_reward {"query", "prompts", "labels"}` ->
 * `{"rewards", "scores", "extra_logs"}` (plus `reasons`, one per item, null when it scored).
 * A label is `<task>:<v1|v2>`; a query carries the prediction (see completion.ts).
 */
export async function startRewardServer(options: RewardServerOptions): Promise<RunningRewardServer> {
  const requestTimeout = options.requestTimeoutMs ?? 60_000;
  // A client that sends slowly (or never finishes) is cut off: 408, then the socket closes.
  const limits = {
    requestTimeout,
    headersTimeout: Math.min(requestTimeout, 20_000),
    connectionsCheckingInterval: Math.max(100, Math.min(5_000, Math.floor(requestTimeout / 4))),
  };
  const server = createServer(limits, (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/get_reward') {
      sendJson(response, 404, { error: `no ${path}; POST /get_reward` });
      request.resume();
      return;
    }
    if (request.method !== 'POST') {
      sendJson(response, 405, { error: 'POST /get_reward with a JSON body' });
      request.resume();
      return;
    }
    getReward(request, options).then(
      (body) => sendJson(response, 200, body),
      (error: unknown) => {
        const failure = error instanceof HttpFailure ? error : new HttpFailure(500, 'the request failed');
        // A refused body is not read to its end: answer, then drop the connection.
        if (failure.status === 413) {
          response.setHeader('connection', 'close');
          response.once('finish', () => request.destroy());
        }
        sendJson(response, failure.status, { error: failure.message });
      },
    );
  });
  server.maxHeadersCount = 64;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/get_reward`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
