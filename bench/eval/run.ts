/**
 * `make bench-eval`: the scripted reference agent over the published fixture eval tasks (csv and
 * sqlite; parquet needs pyarrow), every task's v1 and v2 question, its tool call run two ways in
 * this one process:
 *   sandbox:  our LocalExecutor (a warm bubblewrap worker, the harness's path), one call at a time;
 *   baseline: the same code under a bare /usr/bin/python3 in a fresh folder with the same files.
 * Prints tasks per minute through the sandbox, the mean time per tool call both ways and the ratio.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { scriptedPolicy } from '../../pipeline/agents/scripted/index.ts';
import { findTask, readQuestionList } from '../../pipeline/agents/scripted/task.ts';
import { parseConfigText } from '../../pipeline/config/load.ts';
import { decodeFile, encodeFile } from '../../pipeline/sandbox/contract.ts';
import { createLocalExecutor } from '../../pipeline/sandbox/index.ts';
import { scoreTask } from '../../pipeline/score/task.ts';
import { defaultReadLimits } from '../../pipeline/util/inside.ts';

const exec = promisify(execFile);
const release = join(import.meta.dirname, '../../../shared/fixtures/dare-eval');

interface Call {
  label: string;
  code: string;
  files: Record<string, Buffer>;
}

async function referenceCalls(): Promise<Call[]> {
  const entries = readQuestionList(release);
  const policy = scriptedPolicy('reference', release);
  const calls: Call[] = [];
  for (const entry of entries) {
    if (entry.needed_files_v1.some((name) => name.endsWith('.parquet'))) continue;
    for (const variant of ['v1', 'v2'] as const) {
      const question = entry[`question_${variant}`];
      const task = findTask(entries, release, question);
      const reply = policy({ question, toolResults: [], tools: ['python_executor'] });
      if (!task || reply.kind !== 'tool_call') throw new Error(`${entry.file_path} ${variant}: no tool call`);
      const files: Record<string, Buffer> = {};
      for (const name of reply.call.files_to_load)
        files[name] = await readFile(join(task.dir, 'source', name));
      calls.push({ label: `${task.task} ${variant}`, code: reply.call.code, files });
    }
  }
  return calls;
}

async function bare(call: Call): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'dare-forge-bench-eval-'));
  try {
    for (const [name, content] of Object.entries(call.files)) await writeFile(join(dir, name), content);
    await writeFile(join(dir, 'agent.py'), call.code);
    const start = performance.now();
    await exec('/usr/bin/python3', ['agent.py'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
    return performance.now() - start;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const calls = await referenceCalls();
  const config = parseConfigText('verify:\n  pool_size: 1\n');
  if (!config.ok) throw new Error(config.errors.join('\n'));
  const executor = await createLocalExecutor(config.config.verify);
  const sandboxMs: number[] = [];
  const scores: number[] = [];
  const out = await mkdtemp(join(tmpdir(), 'dare-forge-bench-eval-preds-'));
  try {
    for (const [index, call] of calls.entries()) {
      const files = Object.fromEntries(Object.entries(call.files).map(([n, c]) => [n, encodeFile(c)]));
      const start = performance.now();
      const response = await executor.runCode({
        code: call.code,
        files,
        fetch_files: ['prediction.csv'],
        run_timeout: 200,
      });
      sandboxMs.push(performance.now() - start);
      const [task = '', variant = 'v1'] = call.label.split(' ');
      const prediction = response.files['prediction.csv'];
      if (prediction) await writeFile(join(out, `${index}.csv`), decodeFile(prediction));
      const entry = readQuestionList(release).find((e) => e.file_path === task);
      const score = await scoreTask({
        corpus: release,
        task,
        family: entry?.task ?? 'classification',
        variant: variant === 'v2' ? 'v2' : 'v1',
        predictions: out,
        predictionLabel: `${index}.csv`,
        rlReward: false,
        limits: defaultReadLimits(),
      });
      scores.push(score.score ?? 0);
    }
  } finally {
    await executor.close();
    await rm(out, { recursive: true, force: true });
  }
  const bareMs: number[] = [];
  for (const call of calls) bareMs.push(await bare(call));
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const ifSolved = calls.filter(
    (c, i) => c.label.endsWith('v1') && /_(class|reg) /.test(c.label) && scores[i] === 1,
  ).length;
  const ifTotal = calls.filter((c) => c.label.endsWith('v1') && /_(class|reg) /.test(c.label)).length;
  console.log(
    `bench-eval: scripted reference agent, ${calls.length} task variants (${calls.length / 2} fixture tasks without parquet)`,
  );
  console.log(
    `  IF solved: ${ifSolved}/${ifTotal}; mean score over all variants ${(sum(scores) / scores.length).toFixed(3)}`,
  );
  console.log(
    `  sandbox:  ${(sum(sandboxMs) / 1000).toFixed(1)} s, ${((calls.length * 60_000) / sum(sandboxMs)).toFixed(1)} task variants per minute (one warm worker, one call at a time)`,
  );
  console.log(
    `  per tool call: sandbox ${(sum(sandboxMs) / calls.length).toFixed(0)} ms, bare /usr/bin/python3 ${(sum(bareMs) / calls.length).toFixed(0)} ms`,
  );
  console.log(
    `  ratio sandbox / bare: ${(sum(sandboxMs) / sum(bareMs)).toFixed(2)} (the bare run imports pandas and scikit-learn every time; the warm worker has them)`,
  );
}

await main();
