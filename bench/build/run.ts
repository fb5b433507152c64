// Build bench: peak RSS of the build stage on a generated ~1 GB CSV (10M rows), against the
// in-heap build that came before it (whole table as JavaScript strings) on a 1M-row slice,
// both measured here. Run: npx tsx bench/build/run.ts [--rows N] [--memory-limit 512MB]
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseConfigText } from '../../pipeline/config/load.ts';
import { asDatasetId } from '../../pipeline/ids.ts';
import { Paths } from '../../pipeline/store/paths.ts';
import { writeStatus } from '../../pipeline/store/status.ts';
import { generateBigCsv } from '../profile/generate.ts';

const repo = resolve(import.meta.dirname, '../..');
const benchDir = join(repo, '.bench', 'build');
const args = process.argv.slice(2);
const option = (name: string, fallback: string) =>
  args.includes(name) ? (args[args.indexOf(name) + 1] ?? fallback) : fallback;
const rows = Number(option('--rows', '10000000'));
const memoryLimit = option('--memory-limit', '512MB');

interface Measured {
  wall_ms: number;
  max_rss_kb: number;
  summary: Record<string, unknown>;
}

/** raw/bench_big/ as scrape leaves it (files/ plus listing and metadata). */
async function workFolder(name: string, csv: string): Promise<string> {
  const root = join(benchDir, name);
  await rm(root, { recursive: true, force: true });
  const raw = join(root, 'raw', 'bench_big');
  await mkdir(join(raw, 'files'), { recursive: true });
  execFileSync('ln', [csv, join(raw, 'files', 'big.csv')]);
  await writeFile(join(raw, 'listing.json'), JSON.stringify({ ref: 'bench/big', title: 'Generated events' }));
  await writeFile(
    join(raw, 'metadata.json'),
    JSON.stringify({
      info: { title: 'Generated events', description: 'Generated rows for the build bench.' },
    }),
  );
  const parsed = parseConfigText(`paths:\n  raw: ${root}/raw\n  processed: ${root}/processed\n`);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  await writeStatus(new Paths(parsed.config), {
    stage: 'scrape',
    dataset: asDatasetId('bench_big'),
    inputs_hash: 'bench',
    code_version: 'bench',
    outcome: { status: 'ok' },
    started_at: new Date(0).toISOString(),
    duration_ms: 0,
    artifacts: [],
  });
  return root;
}

function ours(root: string, mode: string): Measured {
  const out = execFileSync('npx', ['tsx', join(repo, 'bench/build/ours.ts'), root, mode, memoryLimit], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
}

const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MB`;
await mkdir(benchDir, { recursive: true });
const bigBytes = await generateBigCsv(join(benchDir, `big-${rows}.csv`), rows);
const smallRows = Math.max(1000, Math.round(rows / 10));
const smallBytes = await generateBigCsv(join(benchDir, `big-${smallRows}.csv`), smallRows);

console.log(`build bench: profile.memory_limit ${memoryLimit}`);
const small = await workFolder('work-small', join(benchDir, `big-${smallRows}.csv`));
ours(small, 'prepare');
const inHeap = ours(small, 'in-heap');
const streamedSmall = ours(small, 'stream');
const big = await workFolder('work-big', join(benchDir, `big-${rows}.csv`));
ours(big, 'prepare');
const streamed = ours(big, 'stream');

const line = (label: string, bytes: number, m: Measured) =>
  console.log(
    `  ${label}: table ${mb(bytes)}, ${(m.wall_ms / 1000).toFixed(1)} s, peak RSS ${mb(m.max_rss_kb * 1024)} (${((m.max_rss_kb * 1024) / bytes).toFixed(2)}x the table) ${JSON.stringify(m.summary)}`,
  );
line(`in-heap build (before), ${smallRows} rows`, smallBytes, inHeap);
line(`streamed build, ${smallRows} rows`, smallBytes, streamedSmall);
line(`streamed build, ${rows} rows`, bigBytes, streamed);
console.log(
  `  ratio: streamed ${rows}-row peak / in-heap ${smallRows}-row peak = ${(streamed.max_rss_kb / inHeap.max_rss_kb).toFixed(2)}x for ${(bigBytes / smallBytes).toFixed(1)}x the data; goal: streamed peak under 1 GB: ${streamed.max_rss_kb * 1024 < 1024 ** 3 ? 'met' : 'NOT met'}`,
);
