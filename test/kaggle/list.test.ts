import { afterEach, describe, expect, it } from 'vitest';
import { splitBand } from '../../pipeline/sources/kaggle/list.ts';
import { Routes } from '../../pipeline/sources/kaggle/routes.ts';
import { fixtureRoot, harness, removeDir, tempDir } from './helpers.ts';
import { KaggleServer } from './server/index.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const query = {
  search: 'stock prices',
  sortBy: 'download_count',
  fileType: 'csv',
  licenseGroup: 'cc',
  tags: ['finance', 'time series'],
  user: '',
  minSize: 1000,
  maxSize: undefined,
  page: 3,
  pageToken: 'p3',
};

describe('Routes', () => {
  it('builds RPC requests: POST with a JSON body and full enum names', () => {
    const routes = new Routes('rpc', 'http://127.0.0.1:9/');
    const list = routes.list(query);
    expect(list.method).toBe('POST');
    expect(list.url).toBe('http://127.0.0.1:9/v1/datasets.DatasetApiService/ListDatasets');
    expect(JSON.parse(list.body ?? '')).toEqual({
      search: 'stock prices',
      sortBy: 'DATASET_SORT_BY_DOWNLOAD_COUNT',
      fileType: 'DATASET_FILE_TYPE_GROUP_CSV',
      license: 'DATASET_LICENSE_GROUP_CC',
      tagIds: 'finance,time series',
      minSize: 1000,
      page: 3,
      pageToken: 'p3',
    });
    expect(routes.download({ owner: 'o', slug: 's' }, 4)).toEqual({
      method: 'POST',
      url: 'http://127.0.0.1:9/v1/datasets.DatasetApiService/DownloadDataset',
      body: '{"ownerSlug":"o","datasetSlug":"s","datasetVersionNumber":4}',
    });
  });

  it('builds legacy REST requests: GET with lowercase filetype and tagids', () => {
    const routes = new Routes('rest', 'http://127.0.0.1:9');
    expect(routes.list(query)).toEqual({
      method: 'GET',
      url: 'http://127.0.0.1:9/api/v1/datasets/list?search=stock+prices&sortBy=downloadCount&filetype=csv&license=cc&tagids=finance%2Ctime+series&page=3&minSize=1000',
    });
    expect(routes.metadata({ owner: 'o', slug: 's' }).url).toBe(
      'http://127.0.0.1:9/api/v1/datasets/metadata/o/s',
    );
    expect(routes.files({ owner: 'o', slug: 's' }, 2, undefined).url).toBe(
      'http://127.0.0.1:9/api/v1/datasets/list/o/s?datasetVersionNumber=2',
    );
    expect(routes.download({ owner: 'o', slug: 's' }, undefined).url).toBe(
      'http://127.0.0.1:9/api/v1/datasets/download/o/s',
    );
  });

  it('defaults the base URL per style', () => {
    expect(new Routes('rpc', undefined).view({ owner: 'o', slug: 's' }).url).toBe(
      'https://api.kaggle.com/v1/datasets.DatasetApiService/GetDataset',
    );
    expect(new Routes('rest', undefined).view({ owner: 'o', slug: 's' }).url).toBe(
      'https://www.kaggle.com/api/v1/datasets/view/o/s',
    );
  });
});

describe('splitBand', () => {
  it('splits at the median size seen', () => {
    expect(splitBand({ min: 0, max: undefined }, [10, 500, 40, 3000, 7])).toEqual([
      { min: 0, max: 40 },
      { min: 41, max: undefined },
    ]);
  });
  it('cannot split a single-size band', () => {
    expect(splitBand({ min: 5, max: 5 }, [5, 5, 5])).toBeUndefined();
  });
});

describe.each(['rpc', 'rest'] as const)('listing past the page cap (%s)', (style) => {
  it('splits a search that fills the last served page into size bands and loses nothing', async () => {
    const server = await KaggleServer.start({ root: fixtureRoot, pageSize: 4, pageCap: 2 });
    const dir = await tempDir();
    cleanups.push(
      () => server.close(),
      () => removeDir(dir),
    );
    const h = harness({ dir, baseUrl: server.url, style, kaggle: { list: { page_cap: 2 } } });
    const items = await h.source.list(h.ctx);
    expect(items.map((i) => i.ref).sort()).toHaveLength(36);
    const lists = server.requestsFor({ op: 'list' });
    expect(lists.length).toBeGreaterThan(10);
    expect(h.lines.some((line) => line.includes('(the cap)') && line.includes('splitting'))).toBe(true);
    expect(h.lines.some((line) => line.includes('later results are not served'))).toBe(false);
  });

  it('stops at max_count without listing further pages', async () => {
    const server = await KaggleServer.start({ root: fixtureRoot, pageSize: 5 });
    const dir = await tempDir();
    cleanups.push(
      () => server.close(),
      () => removeDir(dir),
    );
    const h = harness({ dir, baseUrl: server.url, style, kaggle: { select: { max_count: 7 } } });
    const items = await h.source.list(h.ctx);
    expect(items).toHaveLength(7);
    expect(server.requestsFor({ op: 'list' })).toHaveLength(2);
  });
});
