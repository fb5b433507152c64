import type { KaggleConfig } from '../../config/sections/kaggle.ts';
import type { KaggleListItem } from '../shapes.ts';

export type SelectPolicy = KaggleConfig['select'];

export type SelectionReason =
  | 'duplicate'
  | 'private'
  | 'license_not_allowed'
  | 'too_small'
  | 'too_large'
  | 'low_usability'
  | 'tag_excluded'
  | 'tag_missing'
  | 'stale'
  | 'not_tabular'
  | 'over_limit';

export interface SelectionResult {
  selected: KaggleListItem[];
  dropped: { ref: string; reason: SelectionReason }[];
}

/** Case- and spacing-insensitive, so "CC0: Public Domain" matches "cc0:  public domain". */
export function normalizeLicense(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, ' ');
}

export function licenseAllowed(name: string | undefined, allowlist: readonly string[]): boolean {
  if (!name) return false;
  const wanted = normalizeLicense(name);
  return allowlist.some((allowed) => normalizeLicense(allowed) === wanted);
}

function tagKeys(item: KaggleListItem): Set<string> {
  const keys = new Set<string>();
  for (const tag of item.tags ?? []) {
    if (tag.ref) keys.add(tag.ref.toLowerCase());
    if (tag.name) keys.add(tag.name.toLowerCase());
  }
  return keys;
}

/** File names the list item carries (some API versions include `files[]`); empty when unknown. */
function listedFileNames(item: KaggleListItem): string[] {
  const files: unknown = item.files;
  if (!Array.isArray(files)) return [];
  return files.flatMap((file: unknown) =>
    typeof file === 'object' && file !== null && 'name' in file && typeof file.name === 'string'
      ? [file.name]
      : [],
  );
}

export function isTabularName(name: string, types: readonly string[]): boolean {
  const extension = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  return extension !== undefined && types.includes(extension);
}

/** Why one list item is dropped, or undefined when it is kept. Unknown fields never drop an item. */
export function judgeItem(item: KaggleListItem, policy: SelectPolicy): SelectionReason | undefined {
  if (item.isPrivate) return 'private';
  if (!licenseAllowed(item.licenseName, policy.licenses)) return 'license_not_allowed';
  if (item.totalBytes !== undefined) {
    if (item.totalBytes < policy.min_bytes) return 'too_small';
    if (item.totalBytes > policy.max_bytes) return 'too_large';
  }
  if (item.usabilityRating !== undefined && item.usabilityRating < policy.min_usability)
    return 'low_usability';
  const tags = tagKeys(item);
  if (policy.tags_exclude.some((tag) => tags.has(tag.toLowerCase()))) return 'tag_excluded';
  if (policy.tags_include.length > 0 && !policy.tags_include.some((tag) => tags.has(tag.toLowerCase()))) {
    return 'tag_missing';
  }
  if (policy.updated_since && item.lastUpdated) {
    const updated = Date.parse(item.lastUpdated);
    if (!Number.isNaN(updated) && updated < Date.parse(`${policy.updated_since}T00:00:00Z`)) return 'stale';
  }
  const names = listedFileNames(item);
  if (names.length > 0 && !names.some((name) => isTabularName(name, policy.tabular_types)))
    return 'not_tabular';
  return undefined;
}

/** Applies the policy in listing order: first copy of a ref wins, then at most max_count kept. */
export function selectItems(items: readonly KaggleListItem[], policy: SelectPolicy): SelectionResult {
  const selected: KaggleListItem[] = [];
  const dropped: SelectionResult['dropped'] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const key = item.ref.toLowerCase();
    let reason: SelectionReason | undefined = seen.has(key) ? 'duplicate' : judgeItem(item, policy);
    seen.add(key);
    if (!reason && policy.max_count !== undefined && selected.length >= policy.max_count)
      reason = 'over_limit';
    if (reason) dropped.push({ ref: item.ref, reason });
    else selected.push(item);
  }
  return { selected, dropped };
}
