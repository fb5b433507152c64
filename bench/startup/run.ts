// Start-up bench: median wall time of CLI commands that do little work, against `node -e ''`
// measured in the same run (the ratio is what to compare across machines).
// Run: npx tsx bench/startup/run.ts [--runs 7] [--config configs/default.yaml]
// The no-op verify re-runs verify on the output of `make demo`; run that first.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '../..');
const args = process.argv.slice(2);
const flag = (name: string, fallback: string) =>
  args.includes(name) ? (args[args.indexOf(name) + 1] ?? fallback) : fallback;
const runs = Number(flag('--runs', '7'));
const config = flag('--config', 'configs/default.yaml');
const cli = join(repo, 'bin/dare-forge.js');

/** Milliseconds of one run of `node <argv>` from the repository root; throws if it fails. */
function once(argv: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, argv, { cwd: repo, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0)
    throw new Error(`node ${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function median(argv: string[]): number {
  once(argv); // warm-up: the compiled CLI is (re)built on a first start after an edit
  const times = Array.from({ length: runs }, () => once(argv)).sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

const cases: [string, string[]][] = [
  ["node -e ''", ['-e', '']],
  ['--help', [cli, '--help']],
  ['--version', [cli, '--version']],
  ['config', [cli, 'config', '--config', config]],
];
const demoBuilt = existsSync(join(repo, 'processed', 'vega-datasets_penguins', 'verdict.json'));
if (demoBuilt) cases.push(['verify (no-op, demo)', [cli, 'verify', '--config', config]]);

const baseline = median(cases[0]?.[1] ?? []);
console.log(`start-up, median of ${runs} runs (baseline node -e '' = ${baseline.toFixed(0)} ms)`);
for (const [name, argv] of cases.slice(1)) {
  const ms = median(argv);
  console.log(
    `  ${name.padEnd(22)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / baseline).toFixed(1)}x baseline`,
  );
}
if (!demoBuilt) console.log('  verify (no-op): skipped; run `make demo` first');
