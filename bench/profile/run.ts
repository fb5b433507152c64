// Profile bench: our stage vs pandas on (a) the 36 fixture tables and (b) a ~1 GB CSV.
// Run: npx tsx bench/profile/run.ts [--skip-big] [--memory-limit 1GB]
import { execFileSync } from 'node:child_process';
import { copyFile, link, mkdir, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseConfigText } from '../../pipeline/config/load.ts';
import { asDatasetId } from '../../pipeline/ids.ts';
import { Paths } from '../../pipeline/store/paths.ts';
import { writeStatus } from '../../pipeline/store/status.ts';
import { generateBigCsv } from './generate.ts';

const repo = resolve(import.meta.dirname, '../..');
const benchDir = join(repo, '.bench', 'profile');
const fixtures = resolve(repo, '../shared/fixtures/kaggle');
const args = process.argv.slice(2);
const memoryLimit = args.includes('--memory-limit')
  ? (args[args.indexOf('--memory-limit') + 1] ?? '1GB')
  : '1GB';

interface Measured {
  wall_ms: number;
  max_rss_kb: number;
}

/** A work folder of scraped datasets (files hard-linked, no copies of the big file). */
async function workFolder(
  name: string,
  datasets: { id: string; file: string; source: string }[],
): Promise<string> {
  const root = join(benchDir, name);
  await rm(root, { recursive: true, force: true });
  const parsed = parseConfigText(`paths:\n  raw: ${root}/raw\n  processed: ${root}/processed\n`);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const paths = new Paths(parsed.config);
  for (const dataset of datasets) {
    const id = asDatasetId(dataset.id);
    await mkdir(paths.rawFilesDir(id), { recursive: true });
    const target = join(paths.rawFilesDir(id), dataset.file);
    await link(dataset.source, target).catch(() => copyFile(dataset.source, target));
    await writeStatus(paths, {
      stage: 'scrape',
      dataset: id,
      inputs_hash: 'bench',
      code_version: 'bench',
      outcome: { status: 'ok' },
      started_at: new Date(0).toISOString(),
      duration_ms: 0,
      artifacts: [],
    });
  }
  return root;
}

/** Our side in a child process; `concurrency` datasets at once, `threads` DuckDB threads. */
function ours(
  root: string,
  concurrency: number,
  threads: number,
): Measured & { summary: { ok: number; total: number } } {
  const script = join(repo, 'bench/profile/ours.ts');
  const out = execFileSync('npx', ['tsx', script, root, memoryLimit, String(concurrency), String(threads)], {
    cwd: benchDir,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
}

function pandas(files: string[]): Measured & { rows: number } {
  const out = execFileSync('/usr/bin/python3', [join(repo, 'bench/profile/pandas_profile.py'), ...files], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return JSON.parse(out.trim());
}

function report(label: string, a: Measured, b: Measured): void {
  const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`\n${label}`);
  console.log(`  dare-forge (DuckDB): ${s(a.wall_ms)} wall, ${mb(a.max_rss_kb)} peak RSS`);
  console.log(`  pandas 1.5.3:        ${s(b.wall_ms)} wall, ${mb(b.max_rss_kb)} peak RSS`);
  console.log(
    `  ratio pandas/ours:   ${(b.wall_ms / a.wall_ms).toFixed(2)}x time, ${(b.max_rss_kb / a.max_rss_kb).toFixed(2)}x memory`,
  );
}

await mkdir(benchDir, { recursive: true });
const fixtureSets: { id: string; file: string; source: string }[] = [];
for (const owner of (await readdir(fixtures, { withFileTypes: true })).filter((e) => e.isDirectory())) {
  for (const slug of await readdir(join(fixtures, owner.name))) {
    const file = `${slug}.csv`;
    fixtureSets.push({
      id: `${owner.name}_${slug}`,
      file,
      source: join(fixtures, owner.name, slug, 'files', file),
    });
  }
}
console.log(`profile bench: memory_limit ${memoryLimit}, ${fixtureSets.length} fixture tables`);
const smallRoot = await workFolder('work-fixtures', fixtureSets);
// Many small tables: one DuckDB thread per dataset, four datasets at a time.
const smallOurs = ours(smallRoot, 4, 1);
if (smallOurs.summary.ok !== fixtureSets.length)
  throw new Error(`only ${smallOurs.summary.ok} fixtures profiled ok`);
report(
  '(a) 36 fixture tables (run.concurrency 4, profile.threads 1)',
  smallOurs,
  pandas(fixtureSets.map((d) => d.source)),
);

if (!args.includes('--skip-big')) {
  const bigCsv = join(benchDir, 'big.csv');
  const bytes = await generateBigCsv(bigCsv);
  const bigRoot = await workFolder('work-big', [{ id: 'bench_big', file: 'big.csv', source: bigCsv }]);
  // One big table: both DuckDB threads on it (the defaults).
  const bigOurs = ours(bigRoot, 2, 2);
  if (bigOurs.summary.ok !== 1) throw new Error('the big CSV was not profiled ok');
  report(
    `(b) generated CSV, ${(bytes / 1e9).toFixed(2)} GB, 10M rows (run.concurrency 2, profile.threads 2)`,
    bigOurs,
    pandas([bigCsv]),
  );
}
