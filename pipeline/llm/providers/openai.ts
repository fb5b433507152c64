import OpenAI, { toFile } from 'openai';
import { z } from 'zod';
import { LlmBadResponse } from '../errors.ts';
import type { BatchItem, BatchOperations, Provider, ProviderAnswer, ProviderSettings } from '../provider.ts';
import { CLOCK_SKEW_MS } from '../provider.ts';
import type { PreparedRequest } from '../request.ts';
import { classifySdkError } from '../retry.ts';
import { chatMaxTokens, createOpenAiSdk } from '../sdk.ts';

const chatCompletionSchema = z.looseObject({
  choices: z.array(
    z.looseObject({
      message: z.looseObject({ content: z.string().nullish(), refusal: z.string().nullish() }),
    }),
  ),
  usage: z.looseObject({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish(),
});

const batchLineSchema = z.looseObject({
  custom_id: z.string(),
  response: z.looseObject({ status_code: z.number(), body: z.unknown().optional() }).nullish(),
  error: z.looseObject({ code: z.string().nullish(), message: z.string().nullish() }).nullish(),
});

type ChatBody = (request: PreparedRequest) => OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;

export function openAiProvider(settings: ProviderSettings): Provider {
  const client = createOpenAiSdk(settings);
  const maxTokens = chatMaxTokens(client, settings.maxTokens);
  const body: ChatBody = (request) => ({
    model: request.model,
    messages: request.messages,
    temperature: settings.temperature,
    ...maxTokens,
    response_format: {
      type: 'json_schema',
      json_schema: { name: request.schemaName, schema: request.jsonSchema, strict: request.strict },
    },
  });
  return {
    name: 'openai',
    model: settings.model,
    endpoint: client.baseURL,
    async complete(request, signal) {
      const completion = await client.chat.completions.create(body(request), signal ? { signal } : {});
      return answerOf(completion);
    },
    classify: (error) => classifySdkError(error, OpenAI, settings.now()),
    ...openAiBatches(client, body, settings.completionWindow),
  };
}

/** The Batch API: one JSONL file of chat completion requests, tagged so a lost submission is found again. */
function openAiBatches(client: OpenAI, body: ChatBody, completionWindow: '24h'): BatchOperations {
  const fileText = async (fileId: string) => (await client.files.content(fileId)).text();
  return {
    async submitBatch(requests, submission) {
      const lines = requests.map((request) =>
        JSON.stringify({
          custom_id: request.hash,
          method: 'POST',
          url: '/v1/chat/completions',
          body: body(request),
        }),
      );
      const file = await client.files.create({
        file: await toFile(Buffer.from(`${lines.join('\n')}\n`), 'dare-forge-batch.jsonl', {
          type: 'application/jsonl',
        }),
        purpose: 'batch',
      });
      const batch = await client.batches.create({
        input_file_id: file.id,
        endpoint: '/v1/chat/completions',
        completion_window: completionWindow,
        metadata: { dare_forge_submission: submission },
      });
      return batch.id;
    },
    async findBatches(lost) {
      const ids: string[] = [];
      // Newest first: stop at the first batch made well before the submission.
      for await (const batch of client.batches.list({ limit: 100 })) {
        if (batch.created_at * 1000 < lost.since - CLOCK_SKEW_MS) break;
        if (batch.metadata?.dare_forge_submission === lost.submission) ids.push(batch.id);
      }
      return ids;
    },
    async pollBatch(batchId) {
      const batch = await client.batches.retrieve(batchId);
      if (batch.status === 'completed' || batch.status === 'expired' || batch.status === 'cancelled') {
        return { status: 'ended' };
      }
      if (batch.status === 'failed') {
        const reasons = (batch.errors?.data ?? []).map((error) => error.message ?? error.code ?? 'unknown');
        return { status: 'failed', detail: reasons.join('; ') || 'batch failed' };
      }
      return { status: 'running', detail: batch.status };
    },
    async batchResults(batchId) {
      const batch = await client.batches.retrieve(batchId);
      const items: BatchItem[] = [];
      for (const fileId of [batch.output_file_id, batch.error_file_id]) {
        if (fileId) items.push(...parseBatchFile(await fileText(fileId)));
      }
      return items;
    },
  };
}

function answerOf(completion: unknown): ProviderAnswer {
  const result = chatCompletionSchema.safeParse(completion);
  if (!result.success) throw new LlmBadResponse(`not a chat completion: ${z.prettifyError(result.error)}`);
  const parsed = result.data;
  const message = parsed.choices[0]?.message;
  return {
    text: message?.content ?? message?.refusal ?? '',
    usage: {
      input_tokens: parsed.usage?.prompt_tokens ?? 0,
      output_tokens: parsed.usage?.completion_tokens ?? 0,
    },
  };
}

function parseBatchFile(text: string): BatchItem[] {
  const items: BatchItem[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const parsed = batchLineSchema.safeParse(parseJson(line));
    if (!parsed.success) continue;
    const { custom_id: hash, response, error } = parsed.data;
    if (response && response.status_code === 200) {
      const answer = chatCompletionSchema.safeParse(response.body);
      if (answer.success) items.push({ hash, ok: true, answer: answerOf(answer.data) });
      else items.push({ hash, ok: false, error: 'unreadable chat completion in batch output' });
    } else {
      const detail = error?.message ?? error?.code ?? errorOfBody(response?.body);
      items.push({ hash, ok: false, error: `${response ? `HTTP ${response.status_code}: ` : ''}${detail}` });
    }
  }
  return items;
}

function errorOfBody(body: unknown): string {
  const parsed = z.looseObject({ error: z.looseObject({ message: z.string() }) }).safeParse(body);
  return parsed.success ? parsed.data.error.message : 'request failed';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
