import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, parseLenientJson } from '../../pipeline/util/lenient-json.ts';

/**
 * The one lenient reader of corpus metadata (score, verify --corpus, release --corpus): what
 * Python's json.load accepts (bare NaN/Infinity) is read, strings stay intact, the pass is
 * linear (no backtracking regex) and nesting is bounded.
 */
describe('parseLenientJson', () => {
  it('repairs bare NaN and Infinity but leaves them alone inside strings', () => {
    const text =
      '{"meta_data": {"title": "Avengers: Infinity War box office", "licenses": [{"name": "NaN-License"}]},' +
      ' "data_info": {"licenseName": "CC0", "mean": NaN, "range": [-Infinity, Infinity]}, "q": "say \\"NaN\\"", "c": "NaN, Infinity"}';
    expect(parseLenientJson(text)).toEqual({
      ok: true,
      value: {
        meta_data: { title: 'Avengers: Infinity War box office', licenses: [{ name: 'NaN-License' }] },
        data_info: { licenseName: 'CC0', mean: null, range: [null, null] },
        q: 'say "NaN"',
        c: 'NaN, Infinity',
      },
    });
  });

  it('reads a 12 MB string (the old regex overflowed the stack on it)', () => {
    const long = 'x'.repeat(12 * 1024 * 1024);
    const result = parseLenientJson(`{"description": "${long}\\"", "mean": NaN}`);
    expect(result.ok && result.value).toEqual({ description: `${long}"`, mean: null });
  });

  it('refuses nesting deeper than Python reads, and says where', () => {
    const deep = `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`;
    expect(parseLenientJson(deep)).toEqual({
      ok: false,
      reason: 'too_deep',
      detail: `nested deeper than ${MAX_JSON_DEPTH} levels at character ${MAX_JSON_DEPTH}`,
    });
    const fine = `${'{"a":'.repeat(MAX_JSON_DEPTH - 1)}1${'}'.repeat(MAX_JSON_DEPTH - 1)}`;
    expect(parseLenientJson(fine).ok).toBe(true);
    // Brackets inside strings do not count.
    expect(parseLenientJson(`["${'['.repeat(5000)}"]`).ok).toBe(true);
  });

  it('agrees with Python json.loads on what is JSON and what is not', () => {
    const texts = [
      '{"a": nan}',
      '{"a": NaN}',
      '[Infinity, -Infinity]',
      '{"a": 1,}',
      '"unterminated',
      '[1] [2]',
    ];
    const python = JSON.parse(
      execFileSync(
        '/usr/bin/python3',
        [
          '-c',
          'import json,sys\nout=[]\nfor t in json.load(sys.stdin):\n  try: json.loads(t); out.append(True)\n  except Exception: out.append(False)\nprint(json.dumps(out))',
        ],
        { input: JSON.stringify(texts), encoding: 'utf8' },
      ),
    );
    expect(texts.map((t) => parseLenientJson(t).ok)).toEqual(python);
    expect(parseLenientJson('{"a": nan}')).toMatchObject({ ok: false, reason: 'not_json' });
  });
});
