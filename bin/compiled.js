// The CLI's TypeScript compiled once into .work/cli/<key>/ with esbuild, so a start does not pay
// for tsx's loader thread and a transpile of every module. The key digests every pipeline/ file's
// path, size and modification time (and the Node and esbuild versions), so an edit compiles anew;
// compiling is a one-off ~1 s. Lazy `import()`s stay lazy (code splitting). `import.meta.url`
// keeps naming the source module, so paths next to it and code-version digests are unchanged.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const sources = join(root, 'pipeline');
const cacheDir = join(root, '.work', 'cli');

function sourceKey(esbuildVersion) {
  const hash = createHash('sha256').update(`${process.version}\0${esbuildVersion}\0${root}\n`);
  const self = statSync(fileURLToPath(import.meta.url));
  hash.update(`bin/compiled.js:${self.size}:${self.mtimeMs}\n`);
  const names = readdirSync(sources, { recursive: true }).map(String).sort();
  for (const name of names) {
    const stats = statSync(join(sources, name));
    if (stats.isFile()) hash.update(`${name}:${stats.size}:${stats.mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

/** Replaces import.meta.url, .dirname and .filename by the source file's own before esbuild bundles it. */
const sourceUrlPlugin = {
  name: 'source-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8')
        .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href))
        .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(dirname(args.path)))
        .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(args.path)),
      loader: 'ts',
    }));
  },
};

async function compile(esbuild, out) {
  const temp = `${out}.${process.pid}.tmp`;
  rmSync(temp, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: { cli: join(sources, 'cli.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: temp,
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
    sourceRoot: relative(temp, root),
    logLevel: 'silent',
    plugins: [sourceUrlPlugin],
  });
  try {
    renameSync(temp, out);
  } catch {
    // Another start compiled the same key first: use its copy.
    rmSync(temp, { recursive: true, force: true });
  }
}

/** Older compiled copies, unused for an hour, are removed (a running CLI may still load one). */
function prune(keep) {
  const hourAgo = Date.now() - 3_600_000;
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    if (path !== keep && statSync(path).mtimeMs < hourAgo) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * The URL of the compiled cli module, compiling it first when the sources changed; undefined
 * when it cannot be compiled here (no esbuild, a read-only checkout): the caller then uses tsx.
 */
export async function compiledCli() {
  try {
    // esbuild's version from its package.json: importing esbuild itself costs a start-up.
    const esbuildJson = createRequire(import.meta.url).resolve('esbuild/package.json');
    const out = join(cacheDir, sourceKey(JSON.parse(readFileSync(esbuildJson, 'utf8')).version));
    const entry = join(out, 'cli.js');
    try {
      statSync(entry);
    } catch {
      mkdirSync(dirname(out), { recursive: true });
      await compile(await import('esbuild'), out);
      prune(out);
    }
    return pathToFileURL(entry).href;
  } catch {
    return undefined;
  }
}
