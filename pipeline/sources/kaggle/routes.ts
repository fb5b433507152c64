/**
 * The two URL styles of the Kaggle API, as pure request builders: the RPC style (POST a
 * JSON body to /v1/datasets.DatasetApiService/<Method>) and the legacy REST style (GET
 * /api/v1/... with query parameters). Everything above this file is style-agnostic.
 */
export type UrlStyle = 'rpc' | 'rest';

export interface ApiRequest {
  method: 'GET' | 'POST';
  url: string;
  body?: string;
}

export interface ListQuery {
  search: string;
  sortBy: string;
  fileType: string;
  licenseGroup: string;
  tags: readonly string[];
  user: string;
  minSize?: number;
  maxSize?: number;
  page: number;
  pageToken?: string;
}

export interface DatasetRef {
  owner: string;
  slug: string;
}

export const defaultBaseUrl: Record<UrlStyle, string> = {
  rpc: 'https://api.kaggle.com',
  rest: 'https://www.kaggle.com',
};

const rpcService = 'v1/datasets.DatasetApiService';

export class Routes {
  readonly #style: UrlStyle;
  readonly #base: string;

  constructor(style: UrlStyle, baseUrl: string | undefined) {
    this.#style = style;
    this.#base = (baseUrl ?? defaultBaseUrl[style]).replace(/\/+$/, '');
  }

  get style(): UrlStyle {
    return this.#style;
  }

  list(query: ListQuery): ApiRequest {
    if (this.#style === 'rpc') {
      return this.#rpc('ListDatasets', {
        search: query.search || undefined,
        sortBy: `DATASET_SORT_BY_${query.sortBy.toUpperCase()}`,
        fileType: `DATASET_FILE_TYPE_GROUP_${query.fileType.toUpperCase()}`,
        license: `DATASET_LICENSE_GROUP_${query.licenseGroup.toUpperCase()}`,
        tagIds: query.tags.length ? query.tags.join(',') : undefined,
        user: query.user || undefined,
        minSize: query.minSize,
        maxSize: query.maxSize,
        page: query.page,
        pageToken: query.pageToken,
      });
    }
    return this.#rest('datasets/list', {
      search: query.search,
      sortBy: camelSort(query.sortBy),
      filetype: query.fileType,
      license: query.licenseGroup,
      tagids: query.tags.join(','),
      user: query.user,
      page: String(query.page),
      minSize: query.minSize?.toString(),
      maxSize: query.maxSize?.toString(),
    });
  }

  metadata(ref: DatasetRef): ApiRequest {
    if (this.#style === 'rpc') return this.#rpc('GetDatasetMetadata', slugs(ref));
    return this.#rest(`datasets/metadata/${path(ref)}`, {});
  }

  view(ref: DatasetRef): ApiRequest {
    if (this.#style === 'rpc') return this.#rpc('GetDataset', slugs(ref));
    return this.#rest(`datasets/view/${path(ref)}`, {});
  }

  files(ref: DatasetRef, version: number | undefined, pageToken: string | undefined): ApiRequest {
    if (this.#style === 'rpc') {
      return this.#rpc('ListDatasetFiles', { ...slugs(ref), datasetVersionNumber: version, pageToken });
    }
    return this.#rest(`datasets/list/${path(ref)}`, {
      datasetVersionNumber: version?.toString(),
      pageToken,
    });
  }

  download(ref: DatasetRef, version: number | undefined): ApiRequest {
    if (this.#style === 'rpc')
      return this.#rpc('DownloadDataset', { ...slugs(ref), datasetVersionNumber: version });
    return this.#rest(`datasets/download/${path(ref)}`, { datasetVersionNumber: version?.toString() });
  }

  #rpc(method: string, body: Record<string, unknown>): ApiRequest {
    return { method: 'POST', url: `${this.#base}/${rpcService}/${method}`, body: JSON.stringify(body) };
  }

  #rest(route: string, params: Record<string, string | undefined>): ApiRequest {
    const url = new URL(`${this.#base}/api/v1/${route}`);
    for (const [key, value] of Object.entries(params)) if (value) url.searchParams.set(key, value);
    return { method: 'GET', url: url.toString() };
  }
}

function slugs(ref: DatasetRef): { ownerSlug: string; datasetSlug: string } {
  return { ownerSlug: ref.owner, datasetSlug: ref.slug };
}

function path(ref: DatasetRef): string {
  return `${encodeURIComponent(ref.owner)}/${encodeURIComponent(ref.slug)}`;
}

/** The REST API spells sort orders in camelCase (downloadCount). */
function camelSort(sortBy: string): string {
  return sortBy.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
