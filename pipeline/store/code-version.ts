import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256, stableStringify } from '../util/hash.ts';
import { PACKAGE_VERSION } from '../version.ts';

/**
 * What makes a stage's output, besides its inputs: the TypeScript modules reachable from its
 * entry points, the Python programs it runs, and the packages that write its bytes. Hashing
 * them (not a hand-kept number) makes an edit to any of them turn old artifacts stale.
 */
export interface CodeSpec {
  /** `import.meta.url` of each entry module; their static (and literal dynamic) imports are followed. */
  modules: readonly string[];
  /** Folders (or files) of Python programs, relative to the repository root: every `.py` in them. */
  python?: readonly string[];
  /** npm packages whose version shapes the bytes (DuckDB, the SQLite writer). */
  packages?: readonly string[];
}

/** The repository root: the folder holding package.json, pipeline/ and verifiers/. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

// Import clauses: `import x from '...'`, `export { y } from '...'`, `import '...'`, `import('...')`.
const fromClause = /(?:^|[\n;])\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"\n]+)['"]/g;
const bareImport = /(?:^|[\n;])\s*import\s*['"]([^'"\n]+)['"]/g;
const dynamicImport = /\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/g;
const typeOnlyBraces = /^\{\s*(?:type\s+[\w$]+(?:\s+as\s+[\w$]+)?\s*,?\s*)*\}$/;

/** Relative specifiers a module loads at run time (type-only imports change no output). */
export function runtimeImports(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(fromClause)) {
    const [, , typeKeyword, clause = '', specifier = ''] = match;
    if (typeKeyword || typeOnlyBraces.test(clause.trim())) continue;
    found.push(specifier);
  }
  for (const match of source.matchAll(bareImport)) found.push(match[1] ?? '');
  for (const match of source.matchAll(dynamicImport)) found.push(match[1] ?? '');
  return found.filter((s) => s.startsWith('./') || s.startsWith('../'));
}

/** Every module file reachable from the entries, as absolute paths, sorted. */
export async function moduleGraph(entries: readonly string[]): Promise<string[]> {
  const seen = new Set<string>();
  const queue = entries.map((entry) => (entry.startsWith('file:') ? fileURLToPath(entry) : entry));
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith('.ts')) continue;
    const source = await readFile(file, 'utf8');
    for (const specifier of runtimeImports(source)) queue.push(resolve(dirname(file), specifier));
  }
  return [...seen].sort();
}

async function pythonFiles(root: string, paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const full = join(root, path);
    if (full.endsWith('.py')) {
      files.push(full);
      continue;
    }
    const names = await readdir(full);
    files.push(...names.filter((n) => n.endsWith('.py')).map((n) => join(full, n)));
  }
  return files.sort();
}

async function packageVersion(root: string, name: string): Promise<string> {
  try {
    const text = await readFile(join(root, 'node_modules', name, 'package.json'), 'utf8');
    const parsed: unknown = JSON.parse(text);
    const version = typeof parsed === 'object' && parsed !== null ? Reflect.get(parsed, 'version') : null;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'missing';
  }
}

/** A digest of everything in the spec: file paths (relative to the root) and contents, in a stable order. */
export async function codeDigest(spec: CodeSpec, root: string = REPO_ROOT): Promise<string> {
  const parts: [string, string][] = [];
  const files = [...(await moduleGraph(spec.modules)), ...(await pythonFiles(root, spec.python ?? []))];
  for (const file of files) parts.push([relative(root, file), sha256(await readFile(file))]);
  const packages: [string, string][] = [];
  for (const name of [...(spec.packages ?? [])].sort())
    packages.push([name, await packageVersion(root, name)]);
  return sha256(stableStringify({ files: parts, packages })).slice(0, 16);
}

// The code does not change while a process runs: one walk per spec and process keeps reruns cheap.
const cache = new Map<string, Promise<string>>();

/**
 * A stage's code version, as status records store it: the package version, the stage, its
 * hand-kept version (test stages without a spec use only that) and the digest of its code.
 */
export function stageCodeVersion(definition: {
  stage: string;
  version?: string;
  code?: CodeSpec;
}): Promise<string> {
  const key = stableStringify(definition.code ?? null) + definition.stage + (definition.version ?? '');
  let pending = cache.get(key);
  if (!pending) {
    const base = `${PACKAGE_VERSION}/${definition.stage}@${definition.version ?? '0'}`;
    pending = definition.code
      ? codeDigest(definition.code).then((d) => `${base}+${d}`)
      : Promise.resolve(base);
    cache.set(key, pending);
  }
  return pending;
}
