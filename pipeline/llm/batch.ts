import { randomUUID } from 'node:crypto';
import type { LlmConfig } from '../config/sections/llm.ts';
import type { Logger } from '../logger.ts';
import { type BatchRecord, BatchStore, type Submission } from './batch-store.ts';
import type { LlmCache } from './cache.ts';
import type { Provider } from './provider.ts';
import type { PreparedRequest } from './request.ts';
import type { BatchFailure, BatchReport, TokenUsage } from './types.ts';

export interface BatchDeps {
  provider: Provider;
  cache: LlmCache;
  processedDir: string;
  settings: LlmConfig['batch'];
  logger: Logger;
  sleep(ms: number): Promise<void>;
  now(): number;
  signal: AbortSignal | undefined;
  retried<T>(what: string, call: () => Promise<T>): Promise<T>;
  /** Counts one batch answer in the ledger; returns its estimated cost. */
  record(
    request: Pick<PreparedRequest, 'hash' | 'provider' | 'model' | 'template' | 'labels'>,
    usage: TokenUsage,
  ): number;
  requests: readonly PreparedRequest[];
  replayOnly: boolean;
  /** llm.max_answer_bytes: a longer answer text is a failure, never cached. */
  maxAnswerBytes: number;
}

export async function runBatch(deps: BatchDeps): Promise<BatchReport> {
  const { provider } = deps;
  const store = new BatchStore(deps.processedDir);
  const byHash = new Map(deps.requests.map((request) => [request.hash, request]));
  const report: BatchReport = {
    requested: byHash.size,
    already_cached: 0,
    submitted: 0,
    batches_created: [],
    batches_resumed: [],
    succeeded: 0,
    failed: [],
    pending: 0,
    pending_datasets: [],
    answered: {},
  };
  const missing: PreparedRequest[] = [];
  for (const request of byHash.values()) {
    if (await deps.cache.get(request.hash)) report.already_cached += 1;
    else missing.push(request);
  }
  if (deps.replayOnly) {
    // llm.cache replay: no provider traffic at all, not even polling.
    report.pending = missing.length;
    return report;
  }
  const unreadable = (file: string, reason: string) =>
    deps.logger.warn(`ignoring unreadable ${file}: ${reason}`);
  const records = await store.list(unreadable);
  const known = new Set(records.map((record) => record.batch_id));
  const recovered = await recoverSubmissions(deps, store, known, unreadable);
  const open = [...records, ...recovered].filter(
    (record) =>
      record.status === 'submitted' && record.provider === provider.name && record.model === provider.model,
  );
  report.batches_resumed = open.map((record) => record.batch_id);
  const inOpenBatch = new Set(open.flatMap((record) => record.requests.map((entry) => entry.request_hash)));
  const toSubmit = missing.filter((request) => !inOpenBatch.has(request.hash));

  for (let start = 0; start < toSubmit.length; start += deps.settings.max_requests) {
    const chunk = toSubmit.slice(start, start + deps.settings.max_requests);
    for (const record of await submitChunk(deps, store, known, chunk)) {
      report.batches_created.push(record.batch_id);
      open.push(record);
    }
    report.submitted += chunk.length;
  }

  const started = deps.now();
  let running = open;
  while (running.length > 0) {
    const still: BatchRecord[] = [];
    for (const record of running) {
      const state = await deps.retried(`batch poll ${record.batch_id}`, () =>
        provider.pollBatch(record.batch_id),
      );
      if (state.status === 'running') still.push(record);
      else if (state.status === 'failed') await finish(deps, store, record, report, state.detail);
      else await ingest(deps, store, record, byHash, report);
    }
    running = still;
    if (running.length === 0 || deps.signal?.aborted) break;
    if (deps.now() - started >= deps.settings.max_wait_ms) break;
    await deps.sleep(deps.settings.poll_interval_ms);
  }
  report.pending = running.reduce((sum, record) => sum + record.requests.length, 0);
  const waiting = running.flatMap((record) =>
    record.requests.flatMap((entry) => byHash.get(entry.request_hash)?.labels.dataset ?? []),
  );
  report.pending_datasets = [...new Set(waiting)].sort();
  return report;
}

function recordOf(submission: Submission, batchId: string): BatchRecord {
  const { provider, model, requests } = submission;
  return { provider, model, batch_id: batchId, status: 'submitted', requests, failures: [] };
}

/** Batches the provider holds for a submission whose answer was lost, minus those already recorded. */
async function lookUp(
  deps: BatchDeps,
  submission: Submission,
  known: ReadonlySet<string>,
): Promise<string[]> {
  const { submission: tag, since, requests } = submission;
  const ids = await deps.provider.findBatches({ submission: tag, since, requests: requests.length });
  return [...new Set(ids)].filter((id) => !known.has(id)).sort();
}

/**
 * Submits one chunk. The submission is on disk before the provider sees it and its record
 * replaces it after; a retry after an ambiguous failure (the provider may have accepted the
 * batch before the connection dropped) looks for the batch before sending it again.
 */
async function submitChunk(
  deps: BatchDeps,
  store: BatchStore,
  known: Set<string>,
  chunk: readonly PreparedRequest[],
): Promise<BatchRecord[]> {
  const submission: Submission = {
    provider: deps.provider.name,
    model: deps.provider.model,
    submission: randomUUID(),
    since: deps.now(),
    requests: chunk.map((request) => ({
      request_hash: request.hash,
      template: request.template,
      template_version: request.templateVersion,
    })),
  };
  await store.saveSubmission(submission);
  let attempts = 0;
  const ids = await deps.retried('batch submit', async () => {
    if (attempts++ > 0) {
      const found = await lookUp(deps, submission, known);
      if (found.length > 0) return found;
    }
    return [await deps.provider.submitBatch(chunk, submission.submission)];
  });
  const records = ids.map((id) => recordOf(submission, id));
  for (const record of records) {
    await store.save(record);
    known.add(record.batch_id);
    deps.logger.info(
      `${deps.provider.name}: submitted batch ${record.batch_id} with ${chunk.length} request(s)`,
    );
  }
  await store.removeSubmission(submission);
  return records;
}

/** Submissions a stopped run left behind: poll the batches they created instead of paying twice. */
async function recoverSubmissions(
  deps: BatchDeps,
  store: BatchStore,
  known: Set<string>,
  unreadable: (file: string, reason: string) => void,
): Promise<BatchRecord[]> {
  const { provider } = deps;
  const recovered: BatchRecord[] = [];
  for (const submission of await store.submissions(unreadable)) {
    if (submission.provider !== provider.name || submission.model !== provider.model) continue;
    const ids = await deps.retried('batch lookup', () => lookUp(deps, submission, known));
    for (const id of ids) {
      const record = recordOf(submission, id);
      await store.save(record);
      known.add(id);
      recovered.push(record);
    }
    deps.logger.info(
      ids.length > 0
        ? `${provider.name}: found batch ${ids.join(', ')} that a stopped run submitted; polling it instead of resubmitting`
        : `${provider.name}: a stopped run's submission of ${submission.requests.length} request(s) never reached the provider; submitting them again`,
    );
    await store.removeSubmission(submission);
  }
  return recovered;
}

async function ingest(
  deps: BatchDeps,
  store: BatchStore,
  record: BatchRecord,
  byHash: ReadonlyMap<string, PreparedRequest>,
  report: BatchReport,
): Promise<void> {
  const items = await deps.retried(`batch results ${record.batch_id}`, () =>
    deps.provider.batchResults(record.batch_id),
  );
  const results = new Map(items.map((item) => [item.hash, item]));
  const failures: BatchRecord['failures'] = [];
  for (const entry of record.requests) {
    const item = results.get(entry.request_hash);
    const size = item?.ok ? Buffer.byteLength(item.answer.text) : 0;
    if (!item?.ok || size > deps.maxAnswerBytes) {
      // Error texts come from the provider: the first 500 characters are kept, never a whole body.
      const error = !item
        ? 'no result in the batch output'
        : item.ok
          ? `llm_answer_too_large: the answer has ${size} bytes, more than llm.max_answer_bytes (${deps.maxAnswerBytes})`
          : deps.logger.redact(item.error).slice(0, 500);
      failures.push({ request_hash: entry.request_hash, error });
      report.failed.push({ ...failureOf(entry), error });
      continue;
    }
    const key = { provider: deps.provider.name, model: deps.provider.model, hash: entry.request_hash };
    await deps.cache.put(
      { ...key, template: entry.template, templateVersion: entry.template_version },
      item.answer,
      'batch',
    );
    // A resumed batch may hold requests this run did not ask for: count them without labels.
    const labels = byHash.get(entry.request_hash)?.labels ?? {};
    const cost = deps.record({ ...key, template: entry.template, labels }, item.answer.usage);
    report.answered[entry.request_hash] = { ...item.answer.usage, cost_usd: cost };
    report.succeeded += 1;
  }
  await store.save({ ...record, status: 'ended', failures });
}

async function finish(
  deps: BatchDeps,
  store: BatchStore,
  record: BatchRecord,
  report: BatchReport,
  detail: string,
): Promise<void> {
  const error = `batch ${record.batch_id} failed: ${deps.logger.redact(detail)}`;
  for (const entry of record.requests) report.failed.push({ ...failureOf(entry), error });
  await store.save({
    ...record,
    status: 'failed',
    detail: error,
    failures: record.requests.map((entry) => ({ request_hash: entry.request_hash, error })),
  });
}

function failureOf(entry: BatchRecord['requests'][number]): Omit<BatchFailure, 'error'> {
  return { request_hash: entry.request_hash, template: entry.template };
}
