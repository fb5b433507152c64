import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { run } from '../../pipeline/export/index.ts';
import { listFiles } from '../../pipeline/release/exports.ts';
import { encodeFile } from '../../pipeline/sandbox/contract.ts';
import { createLocalExecutor } from '../../pipeline/sandbox/index.ts';
import type { LocalExecutor } from '../../pipeline/sandbox/local-executor.ts';
import { fetched, testPoolYaml, verifyConfig } from '../sandbox/support.ts';
import { exportTasks, type SmallRelease, smallRelease, treeHashes, wrongPrediction } from './support.ts';

/** Harbor's task.toml fields (harborframework.com/docs/tasks) that our tasks must state. */
const harborTaskToml = z.strictObject({
  version: z.literal('1.0'),
  task: z.strictObject({ name: z.string().min(1), id: z.string().min(1) }),
  metadata: z.looseObject({
    author_name: z.string(),
    category: z.string(),
    difficulty: z.enum(['easy', 'medium', 'hard']),
    tags: z.array(z.string()),
    license: z.string().min(1),
    family: z.enum(['classification', 'regression', 'time_series_analysis']),
    variant: z.enum(['v1', 'v2']),
    metric: z.enum(['exact_match', 'allclose', 'macro_f1', 'clipped_r2']),
  }),
  verifier: z.strictObject({ timeout_sec: z.number().positive() }),
  agent: z.strictObject({ timeout_sec: z.number().positive() }),
  environment: z.strictObject({
    build_timeout_sec: z.number().positive(),
    cpus: z.int().positive(),
    memory_mb: z.int().positive(),
    storage_mb: z.int().positive(),
    docker_image: z.string().optional(),
    allow_internet: z.literal(false),
  }),
});
const rewardJson = z.strictObject({ reward: z.number(), score: z.number(), metric: z.string() });

let built: SmallRelease;
let out: string;
let executor: LocalExecutor;

beforeAll(async () => {
  built = await smallRelease();
  out = (await run(built.ctx, { release: built.split, format: 'harbor' })).out;
  executor = await createLocalExecutor(verifyConfig(testPoolYaml));
}, 180_000);
afterAll(async () => {
  await executor?.close();
  await built?.cleanup();
});

const variantFolders = exportTasks.flatMap((t) => [`${t}_v1`, `${t}_v2`]);

/** A Harbor task folder and an /app folder, run as Harbor runs them, inside our sandbox. */
async function runInSandbox(folder: string, mode: 'solve' | 'none' | 'link' | { prediction: string }) {
  const dir = join(out, folder);
  const files: Record<string, string> = {};
  for (const path of await listFiles(dir)) {
    files[`task/${path}`] = encodeFile(await readFile(join(dir, path)));
    if (path.startsWith('environment/files/'))
      files[`app/${relative('environment/files', path)}`] = encodeFile(await readFile(join(dir, path)));
  }
  if (typeof mode === 'object') files['app/prediction.csv'] = encodeFile(mode.prediction);
  const code = [
    'import os, subprocess, sys',
    "env = dict(os.environ, PATH='/usr/local/bin:/usr/bin:/bin', DARE_APP_DIR=os.path.abspath('app'),",
    "           DARE_LOG_DIR=os.path.abspath('logs/verifier'), DARE_PYTHON=sys.executable)",
    `mode = ${JSON.stringify(typeof mode === 'object' ? 'file' : mode)}`,
    "if mode == 'solve': subprocess.run(['bash', 'task/solution/solve.sh'], env=env, check=True)",
    "if mode == 'link': os.symlink(os.path.abspath('task/tests/ground_truth.csv'), 'app/prediction.csv')",
    "subprocess.run(['bash', 'task/tests/test.sh'], env=env, check=True)",
  ].join('\n');
  const response = await executor.runCode({
    code,
    files,
    fetch_files: ['logs/verifier/reward.json'],
    run_timeout: 60,
  });
  const body = fetched(response, 'logs/verifier/reward.json');
  if (body === undefined)
    throw new Error(`${folder}: no reward.json: ${JSON.stringify(response.run_result)}`);
  return rewardJson.parse(JSON.parse(body));
}

describe('export --format harbor', { timeout: 240_000 }, () => {
  it('writes one Harbor task per variant whose task.toml has Harbor fields, the license and no internet', async () => {
    expect((await readdir(out)).filter((n) => !n.includes('.')).sort()).toEqual(variantFolders.sort());
    const manifest = JSON.parse(await readFile(join(built.split, '..', 'manifest.json'), 'utf8')) as {
      tasks: { task: string; license: string }[];
    };
    const licenses = new Map(manifest.tasks.map((t) => [t.task, t.license]));
    const list = JSON.parse(await readFile(join(built.split, 'question_list.json'), 'utf8')) as Record<
      string,
      unknown
    >[];
    for (const folder of variantFolders) {
      const toml = harborTaskToml.parse(parse(await readFile(join(out, folder, 'task.toml'), 'utf8')));
      expect(toml.task.name).toBe(folder);
      expect(toml.metadata.license).not.toBe('unknown');
      const dockerfile = await readFile(join(out, folder, 'environment/Dockerfile'), 'utf8');
      expect(dockerfile).toMatch(/^FROM python:3\.\d+-slim$/m);
      expect(dockerfile).toMatch(/pip install .*numpy==\S+ pandas==\S+ scikit-learn==\S+/);
      expect((await stat(join(out, folder, 'tests/test.sh'))).mode & 0o111).not.toBe(0);
      const task = folder.replace(/_v[12]$/, '');
      expect(toml.metadata.license).toBe(licenses.get(task));
      const entry = list.find((e) => e.file_path === task);
      const instruction = await readFile(join(out, folder, 'instruction.md'), 'utf8');
      expect(instruction.startsWith(String(entry?.[`question_${toml.metadata.variant}`]).trimEnd())).toBe(
        true,
      );
      expect(instruction).toContain('Your files are in `/app`');
    }
  });

  it('shows the agent only the needed files, never the ground truth', async () => {
    const list = JSON.parse(await readFile(join(built.split, 'question_list.json'), 'utf8')) as Record<
      string,
      unknown
    >[];
    for (const entry of list) {
      const task = String(entry.file_path);
      const verify = join(built.split, 'databases', task, 'verify');
      const truths = await Promise.all(
        (await readdir(verify)).map((name) => readFile(join(verify, name), 'utf8')),
      );
      for (const variant of ['v1', 'v2']) {
        const env = join(out, `${task}_${variant}`, 'environment');
        const files = (await listFiles(env)).filter((p) => p !== 'Dockerfile');
        expect(files.map((p) => relative('files', p)).sort()).toEqual(
          [...(entry[`needed_files_${variant}`] as string[])].sort(),
        );
        for (const path of files) expect(truths).not.toContain(await readFile(join(env, path), 'utf8'));
      }
    }
  });

  it('scores the reference solution 1.1, a wrong prediction 0.1 and none 0, through test.sh in the sandbox', async () => {
    // Every run queues on the two-worker pool: independent, so they are sent at once.
    const checks = variantFolders.map(async (folder) => {
      const spec = JSON.parse(await readFile(join(out, folder, 'tests/task.json'), 'utf8')) as {
        targets: string[];
        metric: string;
      };
      const truth = await readFile(join(out, folder, 'tests/ground_truth.csv'), 'utf8');
      const [solved, wrong, none] = await Promise.all([
        runInSandbox(folder, 'solve'),
        runInSandbox(folder, { prediction: wrongPrediction(truth, spec.targets) }),
        runInSandbox(folder, 'none'),
      ]);
      expect(solved, folder).toEqual({ reward: 1.1, score: 1, metric: spec.metric });
      expect(wrong, folder).toEqual({ reward: 0.1, score: 0, metric: spec.metric });
      expect(none, folder).toEqual({ reward: 0, score: 0, metric: spec.metric });
    });
    await Promise.all(checks);
  });

  it('never follows a prediction.csv linked to the ground truth', async () => {
    const linked = await runInSandbox(`${exportTasks[0]}_v1`, 'link');
    expect(linked).toEqual({ reward: 0.1, score: 0, metric: 'exact_match' });
  });

  it('is byte-identical when exported twice', async () => {
    const again = (await run(built.ctx, { release: built.split, format: 'harbor', out: `${out}-again` })).out;
    expect(await treeHashes(again)).toEqual(await treeHashes(out));
  });
});
