import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfigText } from '../../pipeline/config/load.ts';
import { kaggleSection } from '../../pipeline/config/sections/kaggle.ts';

type JsonSchema = { properties?: Record<string, JsonSchema>; description?: string; default?: unknown };

function undescribed(schema: JsonSchema, path: string): string[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, child]) => [
    ...(child.description ? [] : [`${path}.${key}`]),
    ...undescribed(child, `${path}.${key}`),
  ]);
}

describe('kaggle config section', () => {
  it('describes every key', () => {
    const schema = z.toJSONSchema(kaggleSection, { io: 'input' }) as JsonSchema;
    expect(undescribed(schema, 'kaggle')).toEqual([]);
    expect(Object.keys(schema.properties ?? {}).length).toBeGreaterThan(8);
  });

  it('defaults everything from an empty file', () => {
    const result = parseConfigText('');
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const kaggle = result.config.kaggle;
    expect(kaggle.url_style).toBe('rpc');
    expect(kaggle.base_url).toBeUndefined();
    expect(kaggle.retry).toEqual({
      max_attempts: 6,
      base_delay_ms: 1000,
      max_delay_ms: 60_000,
      max_retry_after_ms: 1_800_000,
    });
    expect(kaggle.list.page_cap).toBe(500);
    expect(kaggle.extract.allow_nested_archives).toBe(false);
    expect(kaggle.select.licenses).toContain('CC0: Public Domain');
    expect(kaggle.select.licenses).toContain('CC0-1.0');
  });

  it('names the bad key and refuses credentials in base_url', () => {
    const result = parseConfigText(
      'kaggle:\n  base_url: https://user:secret@www.kaggle.com\n  url_style: soap\n  select:\n    updated_since: yesterday\n',
    );
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.some((e) => e.startsWith('kaggle.base_url: must not contain credentials'))).toBe(true);
    expect(errors.some((e) => e.startsWith('kaggle.url_style:'))).toBe(true);
    expect(errors.some((e) => e.startsWith('kaggle.select.updated_since:'))).toBe(true);
    expect(errors.join('\n')).not.toContain('secret');
  });
});
