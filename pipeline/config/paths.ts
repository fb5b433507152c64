import { access } from 'node:fs/promises';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from './schema.ts';

/** The folder the tool is installed in: bundled files (catalog, license table) live under it. */
export const TOOL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

type PathKey = readonly [section: 'paths' | 'source' | 'release', key: string];

/** Output folders: a default sits beside the config file, like a path written in it. */
const outputKeys: PathKey[] = [
  ['paths', 'raw'],
  ['paths', 'processed'],
  ['paths', 'splits'],
];
/** Input files and folders: a default names a file shipped with the tool. */
const bundledKeys: PathKey[] = [
  ['source', 'catalog'],
  ['source', 'mirror'],
  ['release', 'license_table'],
];

function isSet(raw: Record<string, unknown>, [section, key]: PathKey): boolean {
  const body = raw[section];
  return typeof body === 'object' && body !== null && key in body;
}

/**
 * Makes every path in a loaded config absolute, so a run audits the same folders from any
 * working directory: a relative path written in the file resolves against the file's folder;
 * an unset output folder defaults to that folder too; an unset bundled input (catalog, mirror,
 * license table) defaults to the copy shipped with the tool.
 */
export function resolveConfigPaths(config: Config, raw: Record<string, unknown>, configFile: string): Config {
  const configDir = dirname(resolve(configFile));
  const out = structuredClone(config) as unknown as Record<string, Record<string, string>>;
  for (const entry of [...outputKeys, ...bundledKeys]) {
    const [section, key] = entry;
    const body = out[section] as Record<string, string>;
    const value = body[key] as string;
    if (isAbsolute(value)) continue;
    const base = isSet(raw, entry) || outputKeys.includes(entry) ? configDir : TOOL_DIR;
    body[key] = resolve(base, value);
  }
  return out as unknown as Config;
}

/**
 * `key: path` lines for every input the config's run would read that does not exist: the
 * catalog (kind catalog) or mirror (kind mirror), and the license table.
 */
export async function missingInputs(config: Config): Promise<string[]> {
  const wanted: [string, string][] = [['release.license_table', config.release.license_table]];
  if (config.source.kind === 'catalog') wanted.unshift(['source.catalog', config.source.catalog]);
  if (config.source.kind === 'mirror') wanted.unshift(['source.mirror', config.source.mirror]);
  const missing: string[] = [];
  for (const [key, path] of wanted) {
    const found = await access(path).then(
      () => true,
      () => false,
    );
    if (!found) missing.push(`${key}: ${path} does not exist`);
  }
  return missing;
}

/**
 * The config as a release records it (its `config_hash`): settings only. Output folders are
 * left out, and an input file or folder is named by its base name, because where a checkout
 * or mirror sits on this machine is not a setting: the same config run from another clone
 * must give the same release bytes. The inputs' contents are hashed by the stages reading them.
 */
export function portableConfig(config: Config): Omit<Config, 'paths'> {
  const { paths: _paths, ...rest } = structuredClone(config);
  const out = rest as unknown as Record<string, Record<string, string>>;
  for (const [section, key] of bundledKeys) {
    const body = out[section] as Record<string, string>;
    if (typeof body[key] === 'string') body[key] = basename(body[key]);
  }
  return rest;
}
