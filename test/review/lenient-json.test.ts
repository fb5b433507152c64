import { describe, expect, it } from 'vitest';
import { parseLenientJson } from '../../pipeline/release/collect.ts';

/** Release reads each task's all_metadata.json: bare NaN/Infinity become null, strings stay intact. */
describe('release parseLenientJson', () => {
  it('repairs bare NaN and Infinity but leaves them alone inside strings', () => {
    const text =
      '{"meta_data": {"title": "Avengers: Infinity War box office", "licenses": [{"name": "NaN-License"}]},' +
      ' "data_info": {"licenseName": "CC0", "mean": NaN, "range": [-Infinity, Infinity]}}';
    expect(parseLenientJson(text)).toEqual({
      meta_data: { title: 'Avengers: Infinity War box office', licenses: [{ name: 'NaN-License' }] },
      data_info: { licenseName: 'CC0', mean: null, range: [null, null] },
    });
  });
});
