import type { Context } from '../context.ts';
import type { KaggleListItem, KaggleMetadata } from './shapes.ts';

/**
 * Where datasets come from. Every source speaks Kaggle's shapes (list items, metadata), so
 * raw/ looks the same whichever source filled it.
 */
export interface Source {
  readonly kind: 'catalog' | 'mirror' | 'kaggle';
  /** Candidate datasets, in a stable order. */
  list(ctx: Context): Promise<KaggleListItem[]>;
  metadata(ctx: Context, ref: string): Promise<KaggleMetadata>;
  /**
   * Puts the dataset's files (extracted, checked) into `filesDir`, which exists and is empty.
   * Throws Rejection for a dataset-level refusal (unsafe archive, no files).
   */
  download(ctx: Context, item: KaggleListItem, filesDir: string): Promise<void>;
  /** Anything besides the list item that decides whether a scraped copy is still fresh. */
  fingerprint?(ctx: Context, item: KaggleListItem): Promise<unknown>;
}
