import { readFileSync } from 'node:fs';
import { type Handler, type Loopback, type Reply, startLoopback } from './loopback.ts';

const recorded = readFileSync(new URL('../fixtures/openai-chat-completion.json', import.meta.url), 'utf8');

/** A recorded chat completion with `content` as the assistant's answer. */
export function chatCompletion(
  content: string,
  usage = { prompt_tokens: 1200, completion_tokens: 300 },
): unknown {
  const body = JSON.parse(recorded);
  body.choices[0].message.content = content;
  body.usage = { ...body.usage, ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };
  return body;
}

export const okChat = (content: string): Reply => ({ json: chatCompletion(content) });

export function apiError(status: number, message: string, headers: Record<string, string> = {}): Reply {
  return { status, headers, json: { error: { message, type: 'server_error', param: null, code: null } } };
}

/** How the fake batch worker answers one line: an assistant text, or a per-request error. */
export type BatchAnswer = { content: string } | { error: string };

export interface OpenAiFake extends Loopback {
  /** Replies to POST /v1/chat/completions, consumed in order. */
  chat: Reply[];
  /** When set, answers chat requests instead of the `chat` queue. */
  onChat: Handler | undefined;
}

export interface BatchServerOptions<Body> {
  pollsBeforeDone?: number;
  batchAnswer?: (body: Body) => BatchAnswer;
  /** The first N batch creations are accepted, then answered with a 500 (the answer is lost). */
  acceptThenFail?: number;
  /** The first N batch creations are refused with a 500 before anything is created. */
  refuseFirst?: number;
  /** The first batch creation is answered only after this long (a process killed meanwhile never hears it). */
  holdFirstMs?: number;
}

export async function startOpenAiServer(options: BatchServerOptions<unknown> = {}): Promise<OpenAiFake> {
  const chat: Reply[] = [];
  const files = new Map<string, string>();
  const batches = new Map<string, Record<string, unknown> & { polls: number }>();
  let refused = 0;

  const finish = (batch: Record<string, unknown>) => {
    const input = files.get(String(batch.input_file_id)) ?? '';
    const output: string[] = [];
    const errors: string[] = [];
    for (const line of input.split('\n').filter(Boolean)) {
      const request = JSON.parse(line);
      const answer = options.batchAnswer?.(request.body) ?? { content: '{}' };
      const id = `batch_req_${output.length + errors.length}`;
      if ('content' in answer) {
        const response = { status_code: 200, request_id: id, body: chatCompletion(answer.content) };
        output.push(JSON.stringify({ id, custom_id: request.custom_id, response, error: null }));
      } else {
        const response = { status_code: 400, request_id: id, body: { error: { message: answer.error } } };
        errors.push(JSON.stringify({ id, custom_id: request.custom_id, response, error: null }));
      }
    }
    const outputId = `file-out-${batch.id}`;
    const errorId = `file-err-${batch.id}`;
    files.set(outputId, output.map((line) => `${line}\n`).join(''));
    files.set(errorId, errors.map((line) => `${line}\n`).join(''));
    Object.assign(batch, {
      status: 'completed',
      output_file_id: outputId,
      error_file_id: errors.length ? errorId : null,
      request_counts: {
        total: output.length + errors.length,
        completed: output.length,
        failed: errors.length,
      },
    });
  };

  const routes: Record<string, Handler> = {
    'POST /v1/chat/completions': (request) =>
      fake.onChat?.(request) ?? chat.shift() ?? apiError(500, 'test script exhausted'),
    'POST /v1/files': async (request) => {
      const form = await new Response(request.body, {
        headers: { 'content-type': String(request.headers['content-type']) },
      }).formData();
      const file = form.get('file');
      const id = `file-${files.size + 1}`;
      files.set(id, file instanceof Blob ? await file.text() : '');
      return {
        json: {
          id,
          object: 'file',
          bytes: 1,
          created_at: 1764230400,
          filename: 'x.jsonl',
          purpose: form.get('purpose'),
        },
      };
    },
    'GET /v1/files/:id/content': (request) => ({ text: files.get(request.params.id ?? '') ?? '' }),
    'POST /v1/batches': (request) => {
      if (refused++ < (options.refuseFirst ?? 0)) return apiError(500, 'overloaded');
      const body = request.json() as Record<string, unknown>;
      const id = `batch_${batches.size + 1}`;
      const batch = {
        id,
        object: 'batch',
        endpoint: body.endpoint,
        input_file_id: body.input_file_id,
        completion_window: body.completion_window,
        metadata: body.metadata ?? null,
        status: 'validating',
        created_at: Math.floor(Date.now() / 1000),
        request_counts: { total: 0, completed: 0, failed: 0 },
        polls: 0,
      };
      batches.set(id, batch);
      if (batches.size <= (options.acceptThenFail ?? 0)) return apiError(500, 'upstream connection reset');
      return batches.size === 1 && options.holdFirstMs
        ? { json: batch, hangMs: options.holdFirstMs }
        : { json: batch };
    },
    'GET /v1/batches': () => {
      const data = [...batches.values()].reverse();
      return {
        json: { object: 'list', data, first_id: data[0]?.id, last_id: data.at(-1)?.id, has_more: false },
      };
    },
    'GET /v1/batches/:id': (request) => {
      const batch = batches.get(request.params.id ?? '');
      if (!batch) return apiError(404, 'no such batch');
      batch.polls += 1;
      if (batch.status !== 'completed' && batch.polls > (options.pollsBeforeDone ?? 1)) finish(batch);
      else if (batch.status !== 'completed') batch.status = 'in_progress';
      return { json: batch };
    },
  };
  const server = await startLoopback(routes);
  const fake: OpenAiFake = Object.assign(server, { chat, onChat: undefined });
  return fake;
}
