import type { BuildConfig } from '../../config/sections/build.ts';
import { runProbe } from '../../util/probe.ts';
import type { FileFormat } from './tabular.ts';

/**
 * Formats the verifier's Python can read. csv and sqlite need only pandas and the standard
 * library; parquet needs a pandas engine (pyarrow or fastparquet), which Debian does not ship.
 * Build draws formats only among these, so an environment gap never becomes a task that
 * verify then rejects as `env_missing_pyarrow`.
 */
export type VerifiableFormats = readonly FileFormat[];

const probeScript = `
import pandas.io.parquet as p
try:
    p.get_engine("auto")
    print("parquet")
except ImportError:
    print("")
`;

/** Asks `python` once whether pandas can read parquet; csv and sqlite are always verifiable. */
export async function probeVerifiableFormats(python: string): Promise<VerifiableFormats> {
  const stdout = await runProbe(python, ['-c', probeScript], 60_000).catch((error: Error) => {
    throw new Error(
      `${python} could not be asked which formats it reads (${error.message}); check verify.python`,
    );
  });
  return stdout.trim() === 'parquet' ? ['csv', 'sqlite', 'parquet'] : ['csv', 'sqlite'];
}

/**
 * The build config with the weights of unverifiable formats set to zero (a pure function: the
 * draw stays seeded over the verifiable set). When no weighted format is verifiable, csv.
 */
export function verifiableBuildConfig(config: BuildConfig, formats: VerifiableFormats): BuildConfig {
  const w = config.file_format_weights;
  const weights = {
    csv: formats.includes('csv') ? w.csv : 0,
    sqlite: formats.includes('sqlite') ? w.sqlite : 0,
    parquet: formats.includes('parquet') ? w.parquet : 0,
  };
  if (weights.csv + weights.sqlite + weights.parquet === 0) weights.csv = 1;
  return { ...config, file_format_weights: { ...w, ...weights } };
}

const probes = new WeakMap<object, Promise<VerifiableFormats>>();

/** One probe per run context. */
export function verifiableFormatsFor(key: object, python: string): Promise<VerifiableFormats> {
  let probe = probes.get(key);
  if (!probe) {
    probe = probeVerifiableFormats(python);
    probes.set(key, probe);
  }
  return probe;
}
