import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../pipeline/config/load.ts';
import { Random } from '../../pipeline/stages/build/random.ts';
import type { FileFormat } from '../../pipeline/stages/build/tabular.ts';
import { probeVerifiableFormats, verifiableBuildConfig } from '../../pipeline/stages/build/verifiable.ts';

const parsed = parseConfigText('');
if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
const config = parsed.config.build;

/** The draw build makes (tabular.ts: menu.weighted over the format weights). */
function draw(formats: readonly FileFormat[], id: string): FileFormat {
  const w = verifiableBuildConfig(config, formats).file_format_weights;
  const weights: [FileFormat, number][] = [
    ['csv', w.csv],
    ['sqlite', w.sqlite],
    ['parquet', w.parquet],
  ];
  return Random.for(7, id, 'build:class:menu').weighted(weights);
}

describe('formats the verifier can check', () => {
  it('probes the real python: parquet exactly when pandas can write and read it back', async () => {
    const roundTrip = execFileSync(
      '/usr/bin/python3',
      [
        '-c',
        'import io, pandas as pd\ntry:\n    b = io.BytesIO(); pd.DataFrame({"a": [1]}).to_parquet(b); b.seek(0); print(int(pd.read_parquet(b)["a"][0]))\nexcept ImportError:\n    print("none")',
      ],
      { encoding: 'utf8' },
    ).trim();
    const formats = await probeVerifiableFormats('/usr/bin/python3');
    expect(formats).toEqual(roundTrip === '1' ? ['csv', 'sqlite', 'parquet'] : ['csv', 'sqlite']);
  });

  it('names a python it cannot run', async () => {
    await expect(probeVerifiableFormats('/nonexistent/python3')).rejects.toThrow(/verify\.python/);
  });

  it('draws only verifiable formats, seeded by dataset id, for both environments', () => {
    const ids = Array.from({ length: 90 }, (_, i) => `owner_data${i}`);
    const without = ids.map((id) => draw(['csv', 'sqlite'], id));
    const withParquet = ids.map((id) => draw(['csv', 'sqlite', 'parquet'], id));
    expect(without).not.toContain('parquet');
    expect(new Set(without)).toEqual(new Set(['csv', 'sqlite']));
    expect(withParquet).toContain('parquet');
    expect(ids.map((id) => draw(['csv', 'sqlite'], id))).toEqual(without);
  });

  it('falls back to csv when no weighted format is verifiable', () => {
    const onlyParquet = { ...config, file_format_weights: { csv: 0, sqlite: 0, parquet: 1 } };
    expect(verifiableBuildConfig(onlyParquet, ['csv', 'sqlite']).file_format_weights).toEqual({
      csv: 1,
      sqlite: 0,
      parquet: 0,
    });
  });
});
