import { execFile } from 'node:child_process';
import { cp, readdir, readFile, realpath, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testdir } from '../support/testdir.ts';

const run = promisify(execFile);

/** A copy of the code the CLI starts from, which the test may edit. */
async function copyRepo(): Promise<string> {
  const root = await testdir();
  for (const part of ['pipeline', 'bin', 'verifiers', 'package.json']) {
    await cp(join(process.cwd(), part), join(root, part), { recursive: true });
  }
  await symlink(await realpath(join(process.cwd(), 'node_modules')), join(root, 'node_modules'));
  return root;
}

const cliIn = async (root: string, args: string[], env: Record<string, string> = {}) =>
  (
    await run(process.execPath, [join(root, 'bin/dare-forge.js'), ...args], {
      env: { ...process.env, ...env },
    })
  ).stdout;

async function compiledFiles(dir: string): Promise<string> {
  const names = (await readdir(dir, { recursive: true })).filter((n) => n.endsWith('.js'));
  return (await Promise.all(names.map((n) => readFile(join(dir, n), 'utf8')))).join('\n');
}

/** The packages a module loads at start-up: its static imports, followed through the chunks. */
async function staticPackages(dir: string, file = 'cli.js', seen = new Set<string>()): Promise<Set<string>> {
  const packages = new Set<string>();
  if (seen.has(file)) return packages;
  seen.add(file);
  const code = await readFile(join(dir, file), 'utf8');
  for (const [, spec] of code.matchAll(/^import\s[^;]*?["']([^"']+)["'];?$/gm)) {
    if (!spec) continue;
    if (spec.startsWith('./') || spec.startsWith('../')) {
      const next = join(file, '..', spec);
      for (const p of await staticPackages(dir, next, seen)) packages.add(p);
    } else packages.add(spec);
  }
  return packages;
}

describe('the compiled CLI (bin/compiled.js)', { timeout: 120_000 }, () => {
  it('compiles once into .work/cli/, anew after an edit, keeping import.meta.url, .dirname and .filename on the source file', async () => {
    const root = await copyRepo();
    const help = await cliIn(root, ['--help']);
    expect(help).toMatch(/^Usage: dare-forge/);
    const keys = await readdir(join(root, '.work/cli'));
    expect(keys).toHaveLength(1);
    // The same output as through tsx's loader.
    expect(await cliIn(root, ['--help'], { DARE_FORGE_TSX: '1' })).toBe(help);
    expect(await readdir(join(root, '.work/cli'))).toEqual(keys);

    // Modules find files next to their source (verifiers/, package.json), as under tsx.
    const code = await compiledFiles(join(root, '.work/cli', keys[0] as string));
    expect(code).not.toMatch(/import\.meta\.(url|dirname|filename)/);
    // pipeline/slurm/render.ts finds its sbatch templates through import.meta.dirname.
    expect(code).toContain(JSON.stringify(join(root, 'pipeline/slurm')));
    expect(code).toContain(JSON.stringify(pathToFileURL(join(root, 'pipeline/sandbox/isolation.ts')).href));

    // Start-up loads commander and node built-ins only: zod, DuckDB, the SDKs and listr2 wait
    // for the command that needs them (that is what keeps --help fast).
    const startup = [...(await staticPackages(join(root, '.work/cli', keys[0] as string)))];
    expect(startup.filter((p) => !p.startsWith('node:') && p !== 'commander')).toEqual([]);

    const cli = join(root, 'pipeline/cli.ts');
    await writeFile(cli, (await readFile(cli, 'utf8')).replace('Build verifiable', 'Build checkable'));
    expect(await cliIn(root, ['--help'])).toContain('Build checkable');
    expect(await readdir(join(root, '.work/cli'))).toHaveLength(2);
  });
});
