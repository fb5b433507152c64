import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../pipeline/config/json-schema.ts';
import { loadConfig, parseConfigText } from '../../pipeline/config/load.ts';
import { portableConfig } from '../../pipeline/config/paths.ts';
import { UserError } from '../../pipeline/errors.ts';
import { hashValue } from '../../pipeline/util/hash.ts';
import { testdir } from '../support/testdir.ts';

describe('config', () => {
  it('fills every default from an empty file', () => {
    const result = parseConfigText('');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.corpus.seed).toBe(20260227);
    expect(result.config.source.kind).toBe('catalog');
    expect(result.config.run.concurrency).toBe(2);
  });

  it('names an unknown key by its path', () => {
    const result = parseConfigText('run:\n  concurency: 3\n');
    expect(result).toEqual({ ok: false, errors: [expect.stringMatching(/^run\.concurency: unknown key/)] });
  });

  it('names a wrong type by its path', () => {
    const result = parseConfigText('corpus:\n  seed: "abc"\nsource:\n  kind: ftp\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(2);
    expect(result.errors[0]).toMatch(/^corpus\.seed: /);
    expect(result.errors[1]).toMatch(/^source\.kind: .*catalog/);
  });

  it('reports YAML syntax errors and non-mapping documents', () => {
    expect(parseConfigText('corpus: [1,\n').ok).toBe(false);
    expect(parseConfigText('- a\n- b\n')).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^\(root\): /)],
    });
  });

  it('turns a missing file into a UserError with exit code 2', async () => {
    const dir = await testdir();
    const error = await loadConfig(`${dir}/nope.yaml`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    expect((error as UserError).message).toMatch(/nope\.yaml: no such file/);
  });

  it('loads the shipped configs', async () => {
    for (const file of ['configs/default.yaml', 'configs/fixtures.yaml']) {
      await expect(loadConfig(file)).resolves.toMatchObject({ ok: true });
    }
  });

  it('keeps configs/schema.json in step with the zod schemas', async () => {
    const committed = JSON.parse(await readFile('configs/schema.json', 'utf8'));
    expect(committed).toEqual(configJsonSchema());
    const schema = configJsonSchema() as {
      properties: Record<string, { properties: Record<string, { description?: string }> }>;
    };
    for (const [section, body] of Object.entries(schema.properties)) {
      for (const [key, property] of Object.entries(body.properties ?? {})) {
        expect(property.description, `${section}.${key} has a description`).toBeTruthy();
      }
    }
  });
});

describe('portableConfig (the release config_hash)', () => {
  it('is the same from any checkout or mirror folder, and changes with a setting', async () => {
    const dir = await testdir();
    const hashes: string[] = [];
    for (const [folder, seed] of [
      ['a/b', 1],
      ['c', 1],
      ['c', 2],
    ] as const) {
      await mkdir(`${dir}/${folder}/mirror`, { recursive: true });
      const file = `${dir}/${folder}/run.yaml`;
      await writeFile(file, `corpus:\n  seed: ${seed}\nsource:\n  kind: mirror\n  mirror: mirror\n`);
      const { config } = await loadConfig(file);
      expect(config.source.mirror).toBe(`${dir}/${folder}/mirror`);
      expect(config.paths.raw.startsWith(`${dir}/${folder}/`)).toBe(true);
      hashes.push(hashValue(portableConfig(config)));
    }
    expect(hashes[0]).toBe(hashes[1]);
    expect(hashes[2]).not.toBe(hashes[1]);
  });
});

describe('config secrets', () => {
  it('refuses credentials inside an LLM base URL', () => {
    const result = parseConfigText(
      'llm:\n  openai:\n    base_url: http://user:sk-secret@127.0.0.1:8000/v1\n',
    );
    expect(result).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^llm\.openai\.base_url: must not contain a user name/)],
    });
    expect(parseConfigText('llm:\n  openai:\n    base_url: http://127.0.0.1:8000/v1\n').ok).toBe(true);
  });
});
