import { z } from 'zod';
import {
  type KaggleListItem,
  type KaggleMetadata,
  kaggleFileInfoSchema,
  kaggleListItemSchema,
  kaggleMetadataSchema,
} from '../shapes.ts';
import {
  bodyError,
  failForStatus,
  type HttpDeps,
  KaggleErrorMessage,
  KaggleShapeError,
  readBoundedText,
  requestSignal,
  withRetry,
} from './http.ts';
import type { ApiRequest, DatasetRef, ListQuery, Routes } from './routes.ts';

const listResponseSchema = z.union([
  z.array(z.unknown()),
  z.looseObject({
    datasets: z.array(z.unknown()).nullable().optional(),
    nextPageToken: z.string().nullish(),
  }),
]);
const filesResponseSchema = z.looseObject({
  datasetFiles: z.array(kaggleFileInfoSchema).nullable().optional(),
  errorMessage: z.string().nullish(),
  nextPageToken: z.string().nullish(),
});
export type KaggleFile = z.infer<typeof kaggleFileInfoSchema>;

export interface ListPage {
  items: KaggleListItem[];
  /** Items the API sent that did not have the list-item shape (no ref): skipped, counted. */
  malformed: number;
  nextPageToken: string | undefined;
  /** An RPC-style answer ({datasets, nextPageToken}) rather than a bare REST array. */
  rpc: boolean;
}

/** Where the dataset bundle can be fetched: the signed storage URL the API redirected to. */
export type DownloadLocation = { kind: 'redirect'; url: string } | { kind: 'direct'; request: ApiRequest };

/** The Kaggle API over Node's fetch, in either URL style, with retries and rate limiting. */
export class KaggleClient {
  readonly #routes: Routes;
  readonly #deps: HttpDeps;
  readonly #authorization: () => Promise<string | undefined>;

  constructor(routes: Routes, deps: HttpDeps, authorization: () => Promise<string | undefined>) {
    this.#routes = routes;
    this.#deps = deps;
    this.#authorization = authorization;
  }

  get deps(): HttpDeps {
    return this.#deps;
  }

  async listPage(query: ListQuery, signal?: AbortSignal): Promise<ListPage> {
    const body = parseAnswer(
      listResponseSchema,
      `list page ${query.page}`,
      await this.#json(`list page ${query.page}`, this.#routes.list(query), signal),
    );
    const raw = Array.isArray(body) ? body : (body.datasets ?? []);
    const items: KaggleListItem[] = [];
    let malformed = 0;
    for (const candidate of raw) {
      const parsed = kaggleListItemSchema.safeParse(candidate);
      if (parsed.success) items.push(parsed.data);
      else malformed += 1;
    }
    const nextPageToken = Array.isArray(body) ? undefined : body.nextPageToken || undefined;
    return { items, malformed, nextPageToken, rpc: !Array.isArray(body) };
  }

  async metadata(ref: DatasetRef, signal?: AbortSignal): Promise<KaggleMetadata> {
    const what = `metadata of ${ref.owner}/${ref.slug}`;
    const metadata = parseAnswer(
      kaggleMetadataSchema,
      what,
      await this.#json(what, this.#routes.metadata(ref), signal, 'metadata_invalid'),
      'metadata_invalid',
    );
    if (metadata.errorMessage) throw new KaggleErrorMessage(`${what}: ${metadata.errorMessage}`);
    return metadata;
  }

  async view(ref: DatasetRef, signal?: AbortSignal): Promise<KaggleListItem> {
    return parseAnswer(
      kaggleListItemSchema,
      `${ref.owner}/${ref.slug}`,
      await this.#json(`${ref.owner}/${ref.slug}`, this.#routes.view(ref), signal),
    );
  }

  async files(ref: DatasetRef, version: number | undefined, signal?: AbortSignal): Promise<KaggleFile[]> {
    const files: KaggleFile[] = [];
    const seenTokens = new Set<string>();
    let pageToken: string | undefined;
    do {
      const what = `file list of ${ref.owner}/${ref.slug}`;
      const page = parseAnswer(
        filesResponseSchema,
        what,
        await this.#json(what, this.#routes.files(ref, version, pageToken), signal),
      );
      if (page.errorMessage) throw new KaggleErrorMessage(`${what}: ${page.errorMessage}`);
      files.push(...(page.datasetFiles ?? []));
      pageToken = page.nextPageToken || undefined;
      if (pageToken && seenTokens.has(pageToken)) break;
      if (pageToken) seenTokens.add(pageToken);
    } while (pageToken);
    return files;
  }

  /** Asks for the bundle; the API answers with a redirect to signed storage (or, rarely, the bytes). */
  async downloadLocation(
    ref: DatasetRef,
    version: number | undefined,
    signal?: AbortSignal,
  ): Promise<DownloadLocation> {
    const request = this.#routes.download(ref, version);
    const what = `download of ${ref.owner}/${ref.slug}`;
    return withRetry(
      this.#deps,
      what,
      async () => {
        const response = await this.send(request, { redirect: 'manual', signal });
        const location = response.headers.get('location');
        if (response.status >= 300 && response.status < 400 && location) {
          await response.body?.cancel();
          return { kind: 'redirect', url: new URL(location, request.url).toString() };
        }
        await response.body?.cancel();
        if (response.ok) return { kind: 'direct', request };
        failForStatus(this.#deps, what, response.status, response.headers, '');
      },
      signal,
    );
  }

  /** One raw request with credentials; `extraHeaders` for Range. Never used for storage URLs. */
  async send(
    request: ApiRequest,
    options: {
      redirect?: 'manual' | 'follow';
      signal?: AbortSignal;
      headers?: Record<string, string>;
      timeout?: boolean;
    },
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const authorization = await this.#authorization();
    if (authorization) headers.authorization = authorization;
    return this.#deps.fetch(request.url, {
      method: request.method,
      headers,
      body: request.body,
      redirect: options.redirect ?? 'follow',
      signal:
        options.timeout === false ? options.signal : requestSignal(this.#deps.timeoutMs, options.signal),
    });
  }

  /**
   * One JSON answer. Only what can change is retried (408/429/5xx, network errors, an error code
   * in the body); a 200 whose body is not JSON (HTML, NaN, cut short) or too large is final.
   */
  async #json(
    what: string,
    request: ApiRequest,
    signal?: AbortSignal,
    badReason = 'kaggle_bad_response',
  ): Promise<unknown> {
    const deps = this.#deps;
    return withRetry(
      deps,
      what,
      async () => {
        const response = await this.send(request, { signal });
        const text = await readBoundedText(response, deps.maxAnswerBytes);
        if (text === undefined) {
          if (!response.ok) failForStatus(deps, what, response.status, response.headers, '');
          throw new KaggleShapeError(
            `${what}: the answer is larger than kaggle.max_answer_bytes (${deps.maxAnswerBytes} bytes)`,
            'kaggle_answer_too_large',
          );
        }
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          if (!response.ok) failForStatus(deps, what, response.status, response.headers, '');
          const start = JSON.stringify(deps.logger.redact(text.slice(0, 60)));
          throw new KaggleShapeError(
            `${what}: Kaggle answered HTTP ${response.status} with a body that is not JSON (it starts ${start}); check kaggle.base_url`,
            badReason,
          );
        }
        const reported = bodyError(body);
        if (!response.ok)
          failForStatus(deps, what, response.status, response.headers, reported?.message ?? '');
        if (reported) failForStatus(deps, what, reported.code, response.headers, reported.message);
        return body;
      },
      signal,
    );
  }
}

function parseAnswer<T extends z.ZodType>(
  schema: T,
  what: string,
  body: unknown,
  reason = 'kaggle_bad_response',
): z.output<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new KaggleShapeError(
    `${what}: unexpected answer from Kaggle (${issue?.path.join('.') || 'body'}: ${issue?.message}); check kaggle.base_url and kaggle.url_style`,
    reason,
  );
}
