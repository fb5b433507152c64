import { execFile } from 'node:child_process';
import { cp, readdir, readFile, realpath, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { StageSummary } from '../../pipeline/progress.ts';
import { codeDigest, moduleGraph, runtimeImports } from '../../pipeline/store/code-version.ts';
import { testdir } from '../support/testdir.ts';

const run = promisify(execFile);

describe('runtimeImports', () => {
  it('follows value imports, re-exports and literal dynamic imports, not type-only ones', () => {
    const source = [
      "import { a } from './a.ts';",
      "import type { B } from './b.ts';",
      "import { type C, type D } from './c.ts';",
      "import { type E, e } from './e.ts';",
      "export { f } from './f.ts';",
      "export * from './g.ts';",
      "import './h.ts';",
      'import {\n  i,\n  j,\n} from "../i.ts";',
      "const k = await import('./k.ts');",
      "import { readFile } from 'node:fs/promises';",
    ].join('\n');
    expect(runtimeImports(source).sort()).toEqual(
      ['../i.ts', './a.ts', './e.ts', './f.ts', './g.ts', './h.ts', './k.ts'].sort(),
    );
  });

  it('walks the graph from an entry and the digest changes with one line of one module', async () => {
    const root = await testdir({
      'entry.ts': "import { a } from './lib/a.ts';\nexport const x = a;\n",
      'lib/a.ts': "import type { T } from './types.ts';\nimport { b } from './b.ts';\nexport const a = b;\n",
      'lib/b.ts': 'export const b = 1;\n',
      'lib/types.ts': 'export type T = number;\n',
      'other.ts': 'export const unrelated = 1;\n',
      'py/check.py': 'print(1)\n',
    });
    const graph = await moduleGraph([join(root, 'entry.ts')]);
    expect(graph).toEqual([join(root, 'entry.ts'), join(root, 'lib/a.ts'), join(root, 'lib/b.ts')]);
    const spec = { modules: [join(root, 'entry.ts')], python: ['py'] };
    const before = await codeDigest(spec, root);
    await writeFile(join(root, 'other.ts'), 'export const unrelated = 2;\n');
    await writeFile(join(root, 'lib/types.ts'), 'export type T = string;\n');
    expect(await codeDigest(spec, root)).toBe(before);
    await writeFile(join(root, 'lib/b.ts'), 'export const b = 2;\n');
    const edited = await codeDigest(spec, root);
    expect(edited).not.toBe(before);
    await writeFile(join(root, 'py/check.py'), 'print(2)\n');
    expect(await codeDigest(spec, root)).not.toBe(edited);
  });
});

/** A copy of the repository's code (not its outputs) that a test may edit. */
async function copyRepo(): Promise<string> {
  const root = await testdir();
  for (const part of ['pipeline', 'bin', 'verifiers', 'configs', 'package.json', 'tsconfig.json']) {
    await cp(join(process.cwd(), part), join(root, part), { recursive: true });
  }
  await symlink(await realpath(join(process.cwd(), 'node_modules')), join(root, 'node_modules'));
  return root;
}

/** Runs the copied CLI once and returns its run summary (processed/_runs/<stamp>.json). */
async function runOnce(root: string, version = '0.1.0'): Promise<Record<string, StageSummary>> {
  // Releases are immutable: a run whose tasks changed writes a new version.
  await writeFile(
    join(root, 'test.yaml'),
    `corpus:\n  name: t\n  seed: 7\nsource:\n  kind: catalog\n  catalog: configs/catalog.yaml\ndraft:\n  provider: offline\nrelease:\n  version: ${version}\n`,
  );
  const runsDir = join(root, 'processed', '_runs');
  const before = new Set(await readdir(runsDir).catch(() => []));
  await run(
    process.execPath,
    ['bin/dare-forge.js', 'run', '--config', 'test.yaml', '--only', 'vega-datasets/penguins'],
    { cwd: root, env: { ...process.env, CI: 'true' } },
  );
  const added = (await readdir(runsDir)).filter((name) => !before.has(name));
  expect(added).toHaveLength(1);
  const record = JSON.parse(await readFile(join(runsDir, added[0] as string), 'utf8')) as {
    stages: StageSummary[];
  };
  return Object.fromEntries(record.stages.map((s) => [s.stage, s]));
}

const redone = (summary: Record<string, StageSummary>) =>
  ['scrape', 'profile', 'draft', 'build', 'verify'].filter((stage) => summary[stage]?.processed === 1);

describe('freshness sees code', { timeout: 180_000 }, () => {
  it('an edited line of a stage module redoes that stage and the ones after it, nothing before', async () => {
    const root = await copyRepo();
    expect(redone(await runOnce(root))).toEqual(['scrape', 'profile', 'draft', 'build', 'verify']);
    expect(redone(await runOnce(root))).toEqual([]);

    // One line of build's question templates: build's output changes, so verify redoes too.
    const questions = join(root, 'pipeline/stages/build/questions.ts');
    const text = await readFile(questions, 'utf8');
    expect(text).toContain("'Please complete the task");
    await writeFile(questions, text.replace("'Please complete the task", "'Please finish the task"));
    expect(redone(await runOnce(root, '0.2.0'))).toEqual(['build', 'verify']);

    // A line of a Python program verify runs: only verify redoes.
    const reference = join(root, 'verifiers/reference_solution.py');
    await writeFile(reference, `${await readFile(reference, 'utf8')}\n# edited\n`);
    expect(redone(await runOnce(root, '0.3.0'))).toEqual(['verify']);
  });
});
