/**
 * `make bench-scale`: the full pipeline over a generated corpus through the loopback Kaggle
 * and OpenAI-compatible servers; per-stage throughput, peak memory, wall time and the
 * projection to 3,200 datasets / 6,300 tasks; then a second run SIGKILLed mid-stage and
 * resumed, whose task folders and release must equal the uninterrupted run's.
 *
 *   npx tsx bench/scale/run.ts [--n 2000] [--seed 1] [--max-rows 2000] [--concurrency 2]
 *                              [--kill-stage verify|build|...] [--kill-at 0.5] [--no-resume] [--keep]
 *                              [--no-before]
 * Unless --no-before: the same corpus once more with verify_checks.share_runs false (verify's
 * separate plan, as before issue 18), its projection printed next to the default's, and its
 * verdict.json files and release compared with the default run's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hashTree } from '../../test/scale/helpers.ts';
import { type Monitored, runPipeline } from './monitor.ts';
import { countTasks, formatFigures, latestRun, stageFigures } from './report.ts';
import { generateCorpus } from './rig/generate.ts';
import { startScaleServers, writeRigConfig } from './rig/servers.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '1' },
    'max-rows': { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '2' },
    'kill-stage': { type: 'string' },
    'kill-at': { type: 'string', default: '0.5' },
    'no-resume': { type: 'boolean', default: false },
    'no-before': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const count = Number(values.n);
if (!Number.isInteger(count) || count < 1) throw new Error(`--n ${values.n}: expected a whole number >= 1`);
const fixtures = join(import.meta.dirname, '../../../shared/fixtures/kaggle');
const root = await mkdtemp(join(tmpdir(), `dare-forge-bench-scale-${count}-`));
const mb = (kb: number) => `${Math.round(kb / 1024)} MiB`;
const describe = (label: string, run: Monitored) =>
  `${label}: ${(run.wallMs / 60_000).toFixed(1)} min, exit ${run.code ?? run.signal}, peak RSS ${mb(run.peakRssKb)} ` +
  `(with children ${mb(run.peakTreeRssKb)})`;

/** Exit 0 or 1 (some dataset ended in error) are runs; a top-level `dare-forge:` error is a stop. */
function failIfCrashed(run: Monitored): void {
  if ((run.code === 0 || run.code === 1) && !/^dare-forge: /m.test(run.stdout)) return;
  const tail = run.stdout.trimEnd().split('\n').slice(-30).join('\n');
  throw new Error(`the pipeline exited ${run.code ?? run.signal}:\n${tail}`);
}

/** The separate verify plan over the same corpus: projection, and verdicts/release against the default run. */
async function compareBefore(concurrency: number, tasks: number): Promise<void> {
  const extra = { verify_checks: { share_runs: false } };
  const config = await writeRigConfig({ workdir: join(root, 'before'), servers, concurrency, extra });
  const before = await runPipeline(['run', '--config', config]);
  console.log(describe('before (verify_checks.share_runs: false)', before));
  failIfCrashed(before);
  console.log(formatFigures(stageFigures(await latestRun(join(root, 'before', 'processed')), tasks)));
  const verdicts = (path: string) => /^[^/_][^/]*\/verdict\.json$/.test(path);
  const differing = async (dir: string, keep?: (path: string) => boolean) => {
    const [a, b] = await Promise.all([
      hashTree(join(root, 'whole', dir), keep),
      hashTree(join(root, 'before', dir), keep),
    ]);
    const names = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return { files: Object.keys(a).length, differing: names.filter((k) => a[k] !== b[k]) };
  };
  const verdictFiles = await differing('processed', verdicts);
  const release = await differing('splits');
  console.log(
    `before vs after: verdict.json files differing ${verdictFiles.differing.length} of ${verdictFiles.files}; ` +
      `release files differing ${release.differing.length} of ${release.files}`,
  );
  for (const path of [...verdictFiles.differing, ...release.differing].slice(0, 20))
    console.log(`  differs: ${path}`);
  if (verdictFiles.differing.length > 0) process.exitCode = 1;
}

const servers = await (async () => {
  const t0 = Date.now();
  await generateCorpus({
    fixtures,
    out: join(root, 'mirror'),
    count,
    seed: Number(values.seed),
    maxRows: Number(values['max-rows']),
  });
  console.log(
    `generated ${count} datasets from the fixtures in ${((Date.now() - t0) / 1000).toFixed(1)} s (${root})`,
  );
  return startScaleServers(join(root, 'mirror'));
})();

try {
  const concurrency = Number(values.concurrency);
  const whole = await writeRigConfig({ workdir: join(root, 'whole'), servers, concurrency });
  const first = await runPipeline(['run', '--config', whole]);
  console.log(describe('uninterrupted run', first));
  failIfCrashed(first);
  const record = await latestRun(join(root, 'whole', 'processed'));
  const tasks = await countTasks(join(root, 'whole', 'processed'));
  console.log(`${tasks} task folder(s) built; LLM calls answered: ${servers.chatCalls()}`);
  console.log(formatFigures(stageFigures(record, tasks)));
  if (!values['no-before']) await compareBefore(concurrency, tasks);

  if (!values['no-resume']) {
    const stages = record.stages.map((s) => s.stage);
    const stage = values['kill-stage'] ?? (stages.includes('verify') ? 'verify' : 'build');
    const total = record.stages.find((s) => s.stage === stage)?.total ?? count;
    const after = Math.max(1, Math.floor(total * Number(values['kill-at'])));
    const resumed = await writeRigConfig({ workdir: join(root, 'resumed'), servers, concurrency });
    const killed = await runPipeline(['run', '--config', resumed], { stage, after });
    if (!killed.killed) throw new Error(`the run finished before ${stage} reached ${after} dataset(s)`);
    console.log(describe(`killed (SIGKILL) at ${stage} ${after}/${total}`, killed));
    const callsBefore = servers.chatCalls();
    const rest = await runPipeline(['run', '--config', resumed]);
    console.log(describe('resumed run, time to finish', rest));
    failIfCrashed(rest);
    const resumeRecord = await latestRun(join(root, 'resumed', 'processed'));
    console.log(
      `resume: ${resumeRecord.stages.map((s) => `${s.stage} ${s.processed} redone`).join(', ')}; ` +
        `LLM calls during resume: ${servers.chatCalls() - callsBefore}`,
    );
    const tasksOnly = (path: string) => /^[^/_][^/]*\/tasks\//.test(path);
    const same = async (dir: string, keep?: (path: string) => boolean) => {
      const [a, b] = await Promise.all([
        hashTree(join(root, 'whole', dir), keep),
        hashTree(join(root, 'resumed', dir), keep),
      ]);
      const differing = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]);
      return { files: Object.keys(a).length, differing };
    };
    const taskFolders = await same('processed', tasksOnly);
    const release = await same('splits');
    console.log(
      `identical after resume: task folders ${taskFolders.differing.length === 0 ? 'yes' : 'NO'} ` +
        `(${taskFolders.files} files), release ${release.differing.length === 0 ? 'yes' : 'NO'} (${release.files} files)`,
    );
    for (const path of [...taskFolders.differing, ...release.differing].slice(0, 20))
      console.log(`  differs: ${path}`);
    if (taskFolders.differing.length + release.differing.length > 0) process.exitCode = 1;
  }
} catch (error) {
  process.exitCode = 1;
  console.error(`${String(error)}\nwork folder kept for a look: ${root}`);
} finally {
  await servers.close();
  if (!values.keep && process.exitCode !== 1) await rm(root, { recursive: true, force: true });
}
