import type { KaggleConfig } from '../../config/sections/kaggle.ts';
import type { Logger } from '../../logger.ts';
import type { KaggleListItem } from '../shapes.ts';
import type { ListPage } from './client.ts';
import type { ListQuery } from './routes.ts';

export type FetchPage = (query: ListQuery) => Promise<ListPage>;

/** An inclusive totalBytes band; `max` undefined means open-ended. */
export interface SizeBand {
  min: number;
  max: number | undefined;
}

/**
 * Walks the listing page by page. Stops a band on an empty page, on an empty nextPageToken
 * (RPC), or on a page identical to the one before (a server ignoring paging). When a band
 * fills the last page the API serves (page_cap), the band is split at the median size seen
 * and both halves are listed again, so nothing past the cap is lost; callers de-duplicate.
 */
export async function* listItems(
  fetchPage: FetchPage,
  settings: KaggleConfig['list'],
  logger: Logger,
): AsyncGenerator<KaggleListItem> {
  const bands: SizeBand[] = [{ min: settings.min_size ?? 0, max: settings.max_size }];
  let pagesLeft = settings.max_pages;
  let truncated = false;
  while (bands.length > 0 && !truncated) {
    const band = bands.shift() as SizeBand;
    const sizes: number[] = [];
    let previous = '';
    let pageToken: string | undefined;
    for (let page = 1; ; page++) {
      if (pagesLeft <= 0) {
        truncated = true;
        break;
      }
      pagesLeft -= 1;
      const result = await fetchPage(queryFor(settings, band, page, pageToken));
      if (result.malformed > 0)
        logger.warn(`Kaggle list page ${page}: ${result.malformed} item(s) without a ref skipped`);
      const signature = result.items.map((item) => item.ref).join('\n');
      if (result.items.length === 0 || signature === previous) break;
      previous = signature;
      for (const item of result.items) {
        if (item.totalBytes !== undefined) sizes.push(item.totalBytes);
        yield item;
      }
      // A filled last page means more may exist beyond it, whatever the token says.
      if (page >= settings.page_cap) {
        const halves = settings.split_by_size ? splitBand(band, sizes) : undefined;
        if (halves) {
          logger.info(`Kaggle listing reached page ${page} (the cap) for sizes ${describe(band)}: splitting`);
          bands.unshift(...halves);
        } else {
          logger.warn(
            `Kaggle listing stops at page ${page} for sizes ${describe(band)}: later results are not served`,
          );
        }
        break;
      }
      // RPC answers end with an empty token; REST answers (bare arrays) end with an empty page.
      if (result.rpc && result.nextPageToken === undefined) break;
      pageToken = result.nextPageToken;
    }
  }
  if (truncated)
    logger.warn(`Kaggle listing stopped after kaggle.list.max_pages (${settings.max_pages}) pages`);
}

/** Splits at the median size seen, so each half holds about half the results; undefined if it cannot. */
export function splitBand(band: SizeBand, sizes: readonly number[]): [SizeBand, SizeBand] | undefined {
  const inside = sizes.filter((size) => size >= band.min && (band.max === undefined || size <= band.max));
  const sorted = [...inside].sort((a, b) => a - b);
  let pivot = sorted.length > 0 ? (sorted[Math.floor(sorted.length / 2)] as number) : band.min * 2 + 1;
  const upper = band.max ?? Number.MAX_SAFE_INTEGER;
  pivot = Math.min(Math.max(pivot, band.min), upper - 1);
  if (pivot < band.min || pivot >= upper) return undefined;
  return [
    { min: band.min, max: pivot },
    { min: pivot + 1, max: band.max },
  ];
}

function queryFor(
  settings: KaggleConfig['list'],
  band: SizeBand,
  page: number,
  pageToken?: string,
): ListQuery {
  return {
    search: settings.search,
    sortBy: settings.sort_by,
    fileType: settings.file_type,
    licenseGroup: settings.license_group,
    tags: settings.tags,
    user: settings.user,
    minSize: band.min > 0 ? band.min : undefined,
    maxSize: band.max,
    page,
    pageToken,
  };
}

function describe(band: SizeBand): string {
  return `${band.min}..${band.max ?? 'any'} bytes`;
}
