import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kaggleSection } from '../../pipeline/config/sections/kaggle.ts';
import { licenseAllowed, type SelectPolicy, selectItems } from '../../pipeline/sources/kaggle/selection.ts';
import type { KaggleListItem } from '../../pipeline/sources/shapes.ts';
import { fixtureRoot } from './helpers.ts';

const defaults = kaggleSection.parse({}).select;
const policy = (overrides: Partial<SelectPolicy> = {}): SelectPolicy => ({ ...defaults, ...overrides });
const fixtureItems: KaggleListItem[] = JSON.parse(readFileSync(join(fixtureRoot, 'index.json'), 'utf8'));

const item = (ref: string, fields: Partial<KaggleListItem> = {}): KaggleListItem => ({
  ref,
  licenseName: 'CC0: Public Domain',
  totalBytes: 10_000,
  usabilityRating: 0.9,
  lastUpdated: '2025-06-01T00:00:00.000Z',
  tags: [{ ref: 'finance', name: 'finance' }],
  ...fields,
});

describe('selectItems', () => {
  it('keeps every fixture dataset under the default policy, dropping the duplicate listing', () => {
    const { selected, dropped } = selectItems(fixtureItems, defaults);
    expect(selected).toHaveLength(36);
    expect(dropped).toEqual([{ ref: 'hbugrae/best-selling-steam-games-of-all-time', reason: 'duplicate' }]);
  });

  it('gives each dropped item one stable reason, in listing order', () => {
    const items = [
      item('a/ok'),
      item('a/private', { isPrivate: true }),
      item('a/nc', { licenseName: 'CC BY-NC-SA 4.0' }),
      item('a/nolicense', { licenseName: undefined }),
      item('a/tiny', { totalBytes: 10 }),
      item('a/huge', { totalBytes: 10 * 1024 ** 3 }),
      item('a/unusable', { usabilityRating: 0.2 }),
      item('a/excluded', { tags: [{ ref: 'image', name: 'Image' }] }),
      item('a/old', { lastUpdated: '2019-12-31T23:59:59.000Z' }),
      item('a/pictures', { files: [{ name: 'cat.png' }, { name: 'dog.jpg' }] }),
      item('a/tables', { files: [{ name: 'x.png' }, { name: 'data.CSV' }] }),
      item('a/unknown-fields', { totalBytes: undefined, usabilityRating: undefined, lastUpdated: undefined }),
      item('A/OK'),
      item('a/over'),
    ];
    const result = selectItems(
      items,
      policy({
        min_usability: 0.5,
        tags_exclude: ['image'],
        updated_since: '2020-01-01',
        max_count: 3,
      }),
    );
    expect(result.selected.map((i) => i.ref)).toEqual(['a/ok', 'a/tables', 'a/unknown-fields']);
    expect(result.dropped).toMatchInlineSnapshot(`
      [
        {
          "reason": "private",
          "ref": "a/private",
        },
        {
          "reason": "license_not_allowed",
          "ref": "a/nc",
        },
        {
          "reason": "license_not_allowed",
          "ref": "a/nolicense",
        },
        {
          "reason": "too_small",
          "ref": "a/tiny",
        },
        {
          "reason": "too_large",
          "ref": "a/huge",
        },
        {
          "reason": "low_usability",
          "ref": "a/unusable",
        },
        {
          "reason": "tag_excluded",
          "ref": "a/excluded",
        },
        {
          "reason": "stale",
          "ref": "a/old",
        },
        {
          "reason": "not_tabular",
          "ref": "a/pictures",
        },
        {
          "reason": "duplicate",
          "ref": "A/OK",
        },
        {
          "reason": "over_limit",
          "ref": "a/over",
        },
      ]
    `);
  });

  it('requires one of tags_include, matched by tag ref or name, case-insensitively', () => {
    const items = [
      item('a/fin'),
      item('a/health', { tags: [{ ref: 'healthcare', name: 'Health Care' }] }),
      item('a/none', { tags: [] }),
    ];
    const result = selectItems(items, policy({ tags_include: ['health care'] }));
    expect(result.selected.map((i) => i.ref)).toEqual(['a/health']);
    expect(result.dropped.map((d) => d.reason)).toEqual(['tag_missing', 'tag_missing']);
  });

  it('is pure: same input, same output, input untouched', () => {
    const copy = structuredClone(fixtureItems);
    expect(selectItems(fixtureItems, defaults)).toEqual(selectItems(fixtureItems, defaults));
    expect(fixtureItems).toEqual(copy);
  });
});

describe('licenseAllowed', () => {
  it('matches ids and display names, ignoring case and spacing', () => {
    expect(licenseAllowed('cc0-1.0', defaults.licenses)).toBe(true);
    expect(licenseAllowed('CC0:  Public   Domain', defaults.licenses)).toBe(true);
    expect(licenseAllowed('Database: Open Database, Contents: © Original Authors', defaults.licenses)).toBe(
      true,
    );
    expect(licenseAllowed('CC-BY-NC-4.0', defaults.licenses)).toBe(false);
    expect(licenseAllowed('other', defaults.licenses)).toBe(false);
    expect(licenseAllowed('unknown', defaults.licenses)).toBe(false);
    expect(licenseAllowed(undefined, defaults.licenses)).toBe(false);
  });
});
