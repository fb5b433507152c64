import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ExportFormat, run } from '../../pipeline/export/index.ts';
import { listFiles } from '../../pipeline/release/exports.ts';
import { type SmallRelease, smallRelease, treeHashes, wrongPrediction } from './support.ts';

const exec = promisify(execFile);
let built: SmallRelease;
const outs: Partial<Record<ExportFormat, string>> = {};

beforeAll(async () => {
  built = await smallRelease();
  for (const format of ['verl', 'trl', 'inspect'] as const)
    outs[format] = (await run(built.ctx, { release: built.split, format })).out;
}, 180_000);
afterAll(async () => {
  await built?.cleanup();
});

const message = z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });
/** verl's RL dataset row (verl docs, "Prepare Data for Post-Training"). */
const verlRow = z.strictObject({
  data_source: z.string(),
  prompt: z.array(message).min(1),
  ability: z.string(),
  reward_model: z.strictObject({ style: z.literal('rule'), ground_truth: z.string() }),
  extra_info: z.looseObject({
    index: z.number(),
    id: z.string(),
    license: z.string(),
    needed_files: z.array(z.string()),
    files_dir: z.string(),
  }),
});
/** TRL's conversational prompt-only dataset: a `prompt` column of messages, extra columns kept. */
const trlRow = z.looseObject({
  prompt: z.array(message).min(1),
  family: z.string(),
  variant: z.enum(['v1', 'v2']),
  metric: z.string(),
  targets: z.array(z.string()).min(1),
  ground_truth: z.string(),
  license: z.string(),
});
/** Inspect AI's Sample fields (inspect_ai.dataset.Sample). */
const inspectSample = z.strictObject({
  id: z.string(),
  input: z.string(),
  target: z.string(),
  metadata: z.looseObject({
    family: z.string(),
    variant: z.string(),
    targets: z.array(z.string()),
    license: z.string(),
  }),
  files: z.record(z.string(), z.string()),
});

async function python(out: string, code: string, input: unknown): Promise<unknown> {
  const driver = `import json, sys\nsys.path.insert(0, ${JSON.stringify(out)})\ndata = json.load(sys.stdin)\n${code}`;
  const child = exec('/usr/bin/python3', ['-c', driver], { maxBuffer: 64 * 1024 * 1024 });
  child.child.stdin?.end(JSON.stringify(input));
  return JSON.parse((await child).stdout);
}

async function jsonlRows(path: string): Promise<unknown[]> {
  return (await readFile(path, 'utf8'))
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line));
}

const fence = (csv: string) => `I trained a model.\n\`\`\`csv\n${csv}\`\`\`\n`;

/** Every verify/ file of the release's tasks: none may be among the agent's files. */
async function verifyContents(): Promise<string[]> {
  const databases = join(built.split, 'databases');
  const out: string[] = [];
  for (const task of await readdir(databases))
    for (const name of await readdir(join(databases, task, 'verify')))
      out.push(await readFile(join(databases, task, 'verify', name), 'utf8'));
  return out;
}

describe('export --format verl | trl | inspect', { timeout: 120_000 }, () => {
  it('verl: parquet rows read back with DuckDB in verl shape, scored by compute_score', async () => {
    const out = outs.verl as string;
    const connection = await (await built.ctx.duckdb()).connect();
    const reader = await connection.runAndReadAll(
      `SELECT * FROM read_parquet('${join(out, 'train.parquet')}')`,
    );
    const rows = z.array(verlRow).parse(reader.getRowObjectsJson());
    connection.closeSync();
    expect(rows).toHaveLength(6);
    expect(rows.map((r) => r.extra_info.index)).toEqual([0, 1, 2, 3, 4, 5]);
    const cases = rows.flatMap((r) => {
      const truth = JSON.parse(r.reward_model.ground_truth) as { truth_csv: string; targets: string[] };
      expect(r.prompt[0]?.content).not.toContain(truth.truth_csv);
      return [
        { gt: r.reward_model.ground_truth, solution: fence(truth.truth_csv) },
        { gt: r.reward_model.ground_truth, solution: fence(wrongPrediction(truth.truth_csv, truth.targets)) },
        { gt: r.reward_model.ground_truth, solution: 'I could not do it.' },
      ];
    });
    const scores = await python(
      out,
      'from compute_score import compute_score\nprint(json.dumps([compute_score("dare-forge", c["solution"], c["gt"], {})["score"] for c in data]))',
      cases,
    );
    expect(scores).toEqual(rows.flatMap(() => [1.1, 0.1, 0]));
  });

  it('trl: a prompt column of messages and task columns, scored by reward(prompts, completions, **columns)', async () => {
    const out = outs.trl as string;
    const rows = z.array(trlRow).parse(await jsonlRows(join(out, 'train.jsonl')));
    expect(rows).toHaveLength(6);
    const columns = Object.fromEntries(
      ['family', 'variant', 'metric', 'targets', 'ground_truth'].map((k) => [
        k,
        rows.map((r) => r[k as keyof typeof r]),
      ]),
    );
    const completions = rows.map((r) => [{ role: 'assistant', content: fence(r.ground_truth) }]);
    const wrong = rows.map((r) => wrongPrediction(r.ground_truth, r.targets));
    const result = await python(
      out,
      [
        'from reward import reward',
        'cols = data["columns"]',
        'right = reward(data["prompts"], data["completions"], **cols)',
        'wrong = reward(data["prompts"], data["wrong"], **cols)',
        'empty = reward(data["prompts"], [""] * len(data["prompts"]), **cols)',
        'other = reward(data["prompts"][:1], ["x"], family=["x"], variant=["v1"], metric=["x"], targets=[["y"]], ground_truth=[None])',
        'print(json.dumps([right, wrong, empty, other]))',
      ].join('\n'),
      { prompts: rows.map((r) => r.prompt), completions, wrong, columns },
    );
    expect(result).toEqual([rows.map(() => 1.1), rows.map(() => 0.1), rows.map(() => 0), [null]]);
  });

  it('inspect: Sample fields whose files exist beside the dataset, scored into Score fields', async () => {
    const out = outs.inspect as string;
    const samples = z.array(inspectSample).parse(await jsonlRows(join(out, 'train.jsonl')));
    expect(samples).toHaveLength(6);
    const present = new Set(await listFiles(out));
    for (const s of samples)
      for (const path of Object.values(s.files)) expect(present.has(path), path).toBe(true);
    const scored = (await python(
      out,
      [
        'from scorer import score_fields',
        'print(json.dumps([[score_fields(s["metadata"], s["target"], p) for p in (s["target"], s["wrong"], None)] for s in data]))',
      ].join('\n'),
      samples.map((s) => ({ ...s, wrong: wrongPrediction(s.target, s.metadata.targets) })),
    )) as {
      value: number;
      answer: string | null;
      explanation: string;
      metadata: Record<string, unknown>;
    }[][];
    expect(scored.map((triple) => triple.map((score) => score.value))).toEqual(
      samples.map(() => [1.1, 0.1, 0]),
    );
    expect(Object.keys(scored[0]?.[0] ?? {}).sort()).toEqual(['answer', 'explanation', 'metadata', 'value']);
    expect(scored[0]?.[2]?.explanation).toContain('missing_prediction');
  });

  it("keeps ground truth out of the agent's files and carries each task's license", async () => {
    const truths = await verifyContents();
    const manifest = JSON.parse(await readFile(join(built.split, '..', 'manifest.json'), 'utf8')) as {
      tasks: { task: string; license: string }[];
    };
    for (const out of Object.values(outs)) {
      const files = (await listFiles(out)).filter((p) => p.startsWith('files/'));
      expect(files.length).toBeGreaterThan(0);
      for (const path of files) expect(truths).not.toContain(await readFile(join(out, path), 'utf8'));
      const licenses = await jsonlRows(join(out, 'licenses.jsonl'));
      expect(licenses.map((l) => (l as { license: string }).license)).toEqual(
        manifest.tasks.map((t) => t.license),
      );
    }
  });

  it('is byte-identical when exported twice', async () => {
    for (const [format, out] of Object.entries(outs) as [ExportFormat, string][]) {
      const again = (await run(built.ctx, { release: built.split, format, out: `${out}-again` })).out;
      expect(await treeHashes(again), format).toEqual(await treeHashes(out));
    }
  });

  it('refuses an output folder inside the release split', async () => {
    await expect(
      run(built.ctx, { release: built.split, format: 'trl', out: join(built.split, 'x') }),
    ).rejects.toThrow(/inside the release split/);
  });

  it('refuses to replace a folder that is not an earlier export: the release, cwd-like folders, files', async () => {
    const other = join(built.split, '..', 'not-an-export');
    await mkdir(other, { recursive: true });
    await writeFile(join(other, 'keep.txt'), 'mine');
    const attempt = (out: string) => run(built.ctx, { release: built.split, format: 'trl', out });
    await expect(attempt(other)).rejects.toThrow(/holds 1 entries and no export\.json.*new or empty folder/);
    await expect(attempt(join(other, 'keep.txt'))).rejects.toThrow(/is a file, not a folder/);
    await expect(attempt(join(built.split, '..'))).rejects.toThrow(/holds the release split/);
    expect(await readFile(join(other, 'keep.txt'), 'utf8')).toBe('mine');
    await expect(readdir(built.split)).resolves.toContain('question_list.json');
    // An earlier export is replaced, as the help says.
    const earlier = outs.trl as string;
    await expect(attempt(earlier)).resolves.toMatchObject({ out: earlier });
  });
});
