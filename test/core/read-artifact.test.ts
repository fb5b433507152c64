import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Rejection } from '../../pipeline/errors.ts';
import { readJsonArtifact } from '../../pipeline/store/read-artifact.ts';
import { testdir } from '../support/testdir.ts';

const schema = z.object({ rows: z.number() });

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Rejection)) throw new Error(`expected a Rejection, got ${String(error)}`);
  return `${error.reason}: ${error.message}`;
}

describe('readJsonArtifact', () => {
  it('reads a valid artifact, and rejects a missing, broken or off-schema one naming the file', async () => {
    const root = await testdir({
      'ok.json': '{"rows": 3}',
      'broken.json': '{"rows": ',
      'off.json': '{"rows": "3"}',
    });
    const at = (name: string) => join(root, name);
    expect(await readJsonArtifact(at('ok.json'), schema, { what: 'ok.json' })).toEqual({ rows: 3 });
    expect(await readJsonArtifact(at('none.json'), schema, { what: 'none.json', optional: true })).toBeNull();
    expect(await reasonOf(readJsonArtifact(at('none.json'), schema, { what: 'none.json' }))).toMatch(
      /^missing_input: none\.json is missing at .*none\.json: run the previous stage again$/,
    );
    const named = readJsonArtifact(at('none.json'), schema, {
      what: 'draft.json',
      missingReason: 'no_draft',
    });
    expect(await reasonOf(named)).toMatch(/^no_draft: draft\.json is missing at /);
    expect(await reasonOf(readJsonArtifact(at('broken.json'), schema, { what: 'broken.json' }))).toMatch(
      /^invalid_input: broken\.json at .* is not JSON: run the previous stage with --force$/,
    );
    expect(await reasonOf(readJsonArtifact(at('off.json'), schema, { what: 'off.json' }))).toMatch(
      /^invalid_input: off\.json at .* does not match its schema \(rows: /,
    );
  });
});
