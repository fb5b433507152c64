import { readFileSync } from 'node:fs';
import { type Handler, type Loopback, type Reply, startLoopback } from './loopback.ts';
import type { BatchServerOptions } from './openai-fake.ts';

const recorded = readFileSync(new URL('../fixtures/anthropic-message.json', import.meta.url), 'utf8');

/** A recorded message whose forced tool call carries `input`. */
export function toolMessage(name: string, input: unknown): Record<string, unknown> {
  const body = JSON.parse(recorded);
  body.content[0].name = name;
  body.content[0].input = input;
  return body;
}

/** A recorded message that answered in text instead of calling the tool. */
export function textMessage(text: string): Record<string, unknown> {
  const body = JSON.parse(recorded);
  body.content = [{ type: 'text', text, citations: null }];
  body.stop_reason = 'end_turn';
  return body;
}

export function anthropicError(
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
) {
  return { status, headers, json: { type: 'error', error: { type, message } } } satisfies Reply;
}

export interface AnthropicFake extends Loopback {
  /** Replies to POST /v1/messages, consumed in order. */
  messages: Reply[];
  /** When set, answers message requests instead of the `messages` queue. */
  onMessage: Handler | undefined;
}

export async function startAnthropicServer(
  options: BatchServerOptions<unknown> = {},
): Promise<AnthropicFake> {
  const messages: Reply[] = [];
  const batches = new Map<string, { batch: Record<string, unknown>; requests: unknown[]; polls: number }>();
  let url = '';

  const routes: Record<string, Handler> = {
    'POST /v1/messages': (request) =>
      fake.onMessage?.(request) ??
      messages.shift() ??
      anthropicError(500, 'api_error', 'test script exhausted'),
    'POST /v1/messages/batches': (request) => {
      const body = request.json() as { requests: unknown[] };
      const id = `msgbatch_0${batches.size + 1}`;
      const batch = {
        id,
        type: 'message_batch',
        processing_status: 'in_progress',
        request_counts: {
          processing: body.requests.length,
          succeeded: 0,
          errored: 0,
          canceled: 0,
          expired: 0,
        },
        ended_at: null,
        created_at: new Date().toISOString(),
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
        archived_at: null,
        cancel_initiated_at: null,
        results_url: null,
      };
      batches.set(id, { batch, requests: body.requests, polls: 0 });
      if (batches.size <= (options.acceptThenFail ?? 0))
        return anthropicError(500, 'api_error', 'upstream connection reset');
      return batches.size === 1 && options.holdFirstMs
        ? { json: batch, hangMs: options.holdFirstMs }
        : { json: batch };
    },
    'GET /v1/messages/batches': () => {
      const data = [...batches.values()].map((entry) => entry.batch).reverse();
      return {
        json: { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null },
      };
    },
    'GET /v1/messages/batches/:id': (request) => {
      const entry = batches.get(request.params.id ?? '');
      if (!entry) return anthropicError(404, 'not_found_error', 'no such batch');
      entry.polls += 1;
      if (entry.polls > (options.pollsBeforeDone ?? 1)) {
        Object.assign(entry.batch, {
          processing_status: 'ended',
          ended_at: '2026-11-27T13:00:00Z',
          results_url: `${url}/v1/messages/batches/${entry.batch.id}/results`,
        });
      }
      return { json: entry.batch };
    },
    'GET /v1/messages/batches/:id/results': (request) => {
      const entry = batches.get(request.params.id ?? '');
      const lines = (entry?.requests ?? []).map((item) => {
        const { custom_id, params } = item as {
          custom_id: string;
          params: { tool_choice?: { name: string } };
        };
        const answer = options.batchAnswer?.(params) ?? { content: '{}' };
        const result =
          'content' in answer
            ? {
                type: 'succeeded',
                message: toolMessage(params.tool_choice?.name ?? '', JSON.parse(answer.content)),
              }
            : {
                type: 'errored',
                error: { type: 'error', error: { type: 'invalid_request_error', message: answer.error } },
              };
        return JSON.stringify({ custom_id, result });
      });
      return {
        text: lines.map((line) => `${line}\n`).join(''),
        headers: { 'content-type': 'application/binary' },
      };
    },
  };
  const server = await startLoopback(routes);
  url = server.url;
  const fake: AnthropicFake = Object.assign(server, { messages, onMessage: undefined });
  return fake;
}
