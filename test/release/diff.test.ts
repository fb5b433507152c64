import { execFile } from 'node:child_process';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ManifestDiff } from '../../pipeline/release/manifest.ts';
import { release } from '../../pipeline/stages/release/index.ts';
import { testContext, testdir } from '../support/testdir.ts';

const run = promisify(execFile);
const published = join(process.cwd(), '../shared/fixtures/dare-eval');
const cli = join(process.cwd(), 'bin/dare-forge.js');

const diff = async (...args: string[]) => (await run(process.execPath, [cli, 'diff', ...args])).stdout;

describe('dare-forge diff of two real releases', { timeout: 180_000 }, () => {
  it('prints the summary first, --stat alone, --json whole; names question and split changes', async () => {
    const root = await testdir();
    const corpus = join(root, 'corpus');
    await cp(published, corpus, { recursive: true });
    type Entry = { file_path: string; question_v2: string };
    const removed = 'carlmcbrideellis_data-anscombes-quartet_reg';
    const edited = 'jacopoferretti_lung-capacity-of-kids_reg';
    // Ten tasks of the published corpus (the two edited below among them) keep the test quick.
    const all = JSON.parse(await readFile(join(corpus, 'question_list.json'), 'utf8')) as Entry[];
    const list = [
      ...all.filter((e) => [removed, edited].includes(e.file_path)),
      ...all.filter((e) => ![removed, edited].includes(e.file_path)).slice(0, 8),
    ];
    await writeFile(join(corpus, 'question_list.json'), JSON.stringify(list));
    const a = await release(testContext(root, 'release:\n  eval_fraction: 0.2\n'), {
      extra: { corpus, version: '1.0.0' },
    });
    const reworded = list.find((e) => ![removed, edited].includes(e.file_path))?.file_path as string;
    const kept = list
      .filter((e) => e.file_path !== removed)
      .map((e) => (e.file_path === reworded ? { ...e, question_v2: `${e.question_v2} Be brief.` } : e));
    await writeFile(join(corpus, 'question_list.json'), JSON.stringify(kept));
    await rm(join(corpus, 'databases', removed), { recursive: true });
    await writeFile(join(corpus, 'databases', edited, 'source', 'metadata.txt'), 'edited\n');
    // A larger eval fraction moves tasks train -> eval.
    const b = await release(testContext(root, 'release:\n  eval_fraction: 0.6\n'), {
      extra: { corpus, version: '1.1.0' },
    });
    const splitIn = (m: typeof a.manifest) => new Map(m.tasks.map((t) => [t.task, t.split]));
    const [s1, s2] = [splitIn(a.manifest), splitIn(b.manifest)];
    const moves = [...s2].filter(([task, split]) => s1.has(task) && s1.get(task) !== split);
    const toEval = moves.filter(([, split]) => split === 'eval').map(([task]) => task);
    expect(toEval.length).toBeGreaterThan(0);
    const pinned = toEval[0] as string;

    const full = await diff(a.dir, b.dir);
    const lines = full.split('\n');
    expect(lines[0]).toMatch(/^diff 1\.0\.0 -> 1\.1\.0: 0 added, 1 removed, \d+ changed$/);
    expect(lines[1]).toMatch(new RegExp(`^ {2}moved between splits: .*${toEval.length} train -> eval`));
    expect(lines[1]).toContain(moves.length > toEval.length ? 'eval -> train' : 'train -> eval');
    expect(lines[2]).toBe('  question text changed: v1 in 0, v2 in 1');
    expect(full).toContain(`~ ${reworded} (`);
    expect(full).toMatch(new RegExp(`~ ${pinned} \\(moved train -> eval`));
    expect(full).toContain(`- ${removed} (was `);
    expect(full).toMatch(new RegExp(`~ ${edited}.*\\n {4}source/metadata\\.txt`));

    expect(await diff(a.dir, b.dir, '--stat')).toBe(`${lines.slice(0, 3).join('\n')}\n`);

    const json = JSON.parse(await diff(a.dir, b.dir, '--json')) as ManifestDiff;
    expect(json.summary.removed).toBe(1);
    expect(json.summary.moved['train -> eval']).toBe(toEval.length);
    expect(json.changed.find((c) => c.task === reworded)?.questions).toEqual(['v2']);
    expect(json.changed.find((c) => c.task === pinned)?.moved).toBe('train -> eval');
    expect(json.removed).toEqual([{ task: removed, split: expect.stringMatching(/^(train|eval)$/) }]);
  });
});
