import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asDatasetId } from '../../pipeline/ids.ts';
import type { LlmClient, LlmEndpoint } from '../../pipeline/llm/types.ts';
import type { KaggleListItem } from '../../pipeline/sources/shapes.ts';
import type { Source } from '../../pipeline/sources/source.ts';
import { draftStage, makeDraftStage } from '../../pipeline/stages/draft/index.ts';
import { scrapeDefinition } from '../../pipeline/stages/scrape/index.ts';
import { hashValue } from '../../pipeline/util/hash.ts';
import { testContext, testdir } from '../support/testdir.ts';

const id = asDatasetId('own_data');

/** An LLM client that is never called: only its identity is part of the inputs. */
function idleClient(endpoint: LlmEndpoint): LlmClient {
  return {
    provider: 'anthropic',
    model: 'm',
    endpoint,
    complete: () => Promise.reject(new Error('not called')),
  };
}

describe('stage inputs hash what the stage reads', () => {
  it('draft: the raw main table, the LLM base URL and the structured-output mode', async () => {
    const root = await testdir({
      'processed/own_data/profile.json': JSON.stringify({ main_table: { file: 'data.csv', reason: 'only' } }),
      'raw/own_data/files/data.csv': 'a,b\n1,2\n',
      'raw/own_data/metadata.json': '{}',
    });
    const ctx = testContext(root);
    const offline = async () => hashValue(await draftStage.inputs(ctx, id));
    const before = await offline();
    await writeFile(join(root, 'raw/own_data/files/data.csv'), 'a,b\n1,3\n');
    expect(await offline()).not.toBe(before);

    const llmCtx = testContext(root, 'draft:\n  provider: anthropic\n');
    const withEndpoint = async (endpoint: LlmEndpoint) =>
      hashValue(await makeDraftStage(idleClient(endpoint)).inputs(llmCtx, id));
    const base = await withEndpoint({ base_url: 'http://127.0.0.1:1/v1', structured_output: 'tool' });
    expect(await withEndpoint({ base_url: 'http://127.0.0.1:2/v1', structured_output: 'tool' })).not.toBe(
      base,
    );
    expect(
      await withEndpoint({ base_url: 'http://127.0.0.1:1/v1', structured_output: 'json_schema' }),
    ).not.toBe(base);
    expect(await withEndpoint({ base_url: 'http://127.0.0.1:1/v1', structured_output: 'tool' })).toBe(base);
  });

  it('scrape: a listing whose description or license changed without a version bump', async () => {
    const root = await testdir();
    const ctx = testContext(root);
    const source: Source = {
      kind: 'mirror',
      list: () => Promise.resolve([]),
      metadata: () => Promise.reject(new Error('not called')),
      download: () => Promise.reject(new Error('not called')),
    };
    const item: KaggleListItem = {
      ref: 'own/data',
      currentVersionNumber: 3,
      title: 'Data',
      licenseName: 'CC0-1.0',
    };
    const hashOf = async (listed: KaggleListItem) =>
      hashValue(await scrapeDefinition(source, new Map([[id, listed]])).inputs(ctx, id));
    const before = await hashOf(item);
    expect(await hashOf({ ...item, downloadCount: 99 })).toBe(before);
    expect(await hashOf({ ...item, licenseName: 'CC-BY-NC-SA-4.0' })).not.toBe(before);
    expect(await hashOf({ ...item, subtitle: 'new words' })).not.toBe(before);
  });
});
