import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inShard } from '../../pipeline/shard.ts';
import { hashTree } from '../scale/helpers.ts';
import {
  type Cluster,
  cli,
  ensureSlurm,
  repoRoot,
  startCluster,
  subsetMirror,
  waitForJobs,
  writeConfig,
} from './cluster.ts';

// Four small fixture datasets, two in each shard of 2 (checked below), so the test stays quick.
const REFS = [
  'waszabbyryugami/fda-medical-device-with-de-novo-certification',
  'hemajitpatel/superheros-abilities-dataset',
  'sahideseker/student-performance-estimation',
  'poushal02/student-academic-stress-real-world-dataset',
];
const BROKEN = 'hemajitpatel/superheros-abilities-dataset';
const VERSION = '0.1.0';
const JOB_WAIT_MS = 240_000;

let dir: string;
let cluster: Cluster | undefined;
let mirror: string;
let localRelease: Record<string, string>;

interface Recorded {
  shards: number;
  array_job: string;
  release_job: string;
  shard_jobs: { shard: number; job: string }[];
  scripts: { shard: string; release: string };
  history: { action: string }[];
}
const submission = async (workdir: string): Promise<Recorded> =>
  JSON.parse(await readFile(join(workdir, 'processed', '_slurm', 'submission.json'), 'utf8'));

beforeAll(async () => {
  await ensureSlurm();
  dir = await mkdtemp(join(tmpdir(), 'slurm-test-'));
  mirror = join(dir, 'mirror');
  await subsetMirror(join(repoRoot, '../shared/fixtures/kaggle'), mirror, REFS);
  cluster = await startCluster(join(dir, 'cluster'));
  // The reference: one local run (which releases) of the same corpus.
  const local = await cli(['run', '--config', await writeConfig(join(dir, 'local'), mirror)], process.env);
  expect(local.code, local.stderr + local.stdout).toBe(0);
  localRelease = await hashTree(join(dir, 'local', 'splits', VERSION));
}, 900_000);

afterAll(async () => {
  await cluster?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('dare-forge slurm on a real one-node cluster', () => {
  it('splits the fixtures between the 2 shards', () => {
    const ids = REFS.map((r) => r.replace('/', '_'));
    expect(ids.filter((id) => inShard(id, { index: 1, count: 2 })).length).toBe(2);
    expect(ids.filter((id) => inShard(id, { index: 2, count: 2 })).length).toBe(2);
    expect(inShard(BROKEN.replace('/', '_'), { index: 2, count: 2 })).toBe(true);
  });

  it('a 2-shard array plus its afterok release job releases what one local run does, byte for byte', async () => {
    const env = cluster?.env ?? {};
    const workdir = join(dir, 'sharded');
    const config = await writeConfig(workdir, mirror);
    const sent = await cli(['slurm', 'submit', '--config', config, '--shards', '2'], env);
    expect(sent.code, sent.stderr).toBe(0);
    const record = await submission(workdir);
    expect(record.shards).toBe(2);
    expect(record.shard_jobs.map((s) => s.job)).toEqual([`${record.array_job}_0`, `${record.array_job}_1`]);
    // A second submission over the same folders while the first runs would race it.
    const twice = await cli(['slurm', 'submit', '--config', config, '--shards', '2'], env);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/of the earlier submission .* is still queued or running/);
    const script = await readFile(record.scripts.shard, 'utf8');
    expect(script).toContain('SLURM_ARRAY_TASK_ID');
    expect(script).toContain(`--shard "$shard/$shards"`);

    const states = await waitForJobs([record.array_job, record.release_job], env, JOB_WAIT_MS);
    expect(states[record.array_job]).toEqual(['COMPLETED', 'COMPLETED']);
    expect(states[record.release_job]).toEqual(['COMPLETED']);
    expect(Object.keys(localRelease).length).toBeGreaterThan(3);
    expect(await hashTree(join(workdir, 'splits', VERSION))).toEqual(localRelease);
    // The release job also wrote the audit.
    const audit = JSON.parse(
      await readFile(join(workdir, 'processed', '_slurm', 'logs', 'audit.json'), 'utf8'),
    );
    expect(audit).toBeTypeOf('object');

    const status = await cli(['slurm', 'status', '--config', config, '--json'], env);
    expect(status.code, status.stderr).toBe(0);
    const parsed = JSON.parse(status.stdout) as {
      shards: { shard: number; state: string; exit: number; datasets: Record<string, number> }[];
      release: { state: string; written: boolean };
    };
    expect(parsed.shards.map((s) => [s.shard, s.state, s.exit, s.datasets])).toEqual([
      [1, 'COMPLETED', 0, { done: 2, failed: 0, pending: 0 }],
      [2, 'COMPLETED', 0, { done: 2, failed: 0, pending: 0 }],
    ]);
    expect(parsed.release).toMatchObject({ state: 'COMPLETED', written: true });
  }, 450_000);

  it('a failed shard cancels the release; resubmitted alone after the fix, the release completes', async () => {
    const env = cluster?.env ?? {};
    const workdir = join(dir, 'resubmit');
    const config = await writeConfig(workdir, mirror);
    // Break one dataset of shard 2: files/ is a plain file, so its scrape ends in error.
    const files = join(mirror, BROKEN, 'files');
    await rename(files, `${files}.aside`);
    await writeFile(files, 'not a folder');
    try {
      const sent = await cli(['slurm', 'submit', '--config', config, '--shards', '2'], env);
      expect(sent.code, sent.stderr).toBe(0);
      const first = await submission(workdir);
      const states = await waitForJobs([first.array_job, first.release_job], env, JOB_WAIT_MS);
      expect([...(states[first.array_job] ?? [])].sort()).toEqual(['COMPLETED', 'FAILED']);
      expect(states[first.release_job]).toEqual(['CANCELLED']);

      const status = await cli(['slurm', 'status', '--config', config], env);
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toMatch(/shard 2\/2 .*FAILED {2}exit 1 {2}datasets done 1 {2}failed 1/);
      expect(status.stdout).toContain(`${BROKEN.replace('/', '_')}: scrape error(`);
      expect(status.stdout).toContain('dare-forge slurm resubmit --shard 2');
    } finally {
      await rm(files, { force: true });
      await rename(`${files}.aside`, files);
    }

    const outside = await cli(['slurm', 'resubmit', '--config', config, '--shard', '3'], env);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/the submission has shards 1 to 2/);
    const again = await cli(['slurm', 'resubmit', '--config', config, '--shard', '2'], env);
    expect(again.code, again.stderr).toBe(0);
    const second = await submission(workdir);
    const shardJob = second.shard_jobs.find((s) => s.shard === 2)?.job ?? '';
    expect(shardJob).toMatch(/^\d+_1$/);
    expect(second.shard_jobs.find((s) => s.shard === 1)?.job).toBe(`${second.array_job}_0`);
    expect(second.history.map((h) => h.action)).toEqual(['submit', 'resubmit']);
    const states = await waitForJobs([shardJob, second.release_job], env, JOB_WAIT_MS);
    expect(states[shardJob]).toEqual(['COMPLETED']);
    expect(states[second.release_job]).toEqual(['COMPLETED']);
    expect(await hashTree(join(workdir, 'splits', VERSION))).toEqual(localRelease);
  }, 600_000);

  it('--dry-run prints both scripts and sbatch commands and submits nothing', async () => {
    const workdir = join(dir, 'dry');
    const config = await writeConfig(workdir, mirror);
    await mkdir(workdir, { recursive: true });
    const args = ['slurm', 'submit', '--config', config, '--shards', '3', '--partition', 'debug'];
    const dry = await cli([...args, '--sbatch-arg=--time=01:00:00', '--dry-run'], cluster?.env ?? {});
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(
      /sbatch --parsable --array=0-2 .*--partition=debug --time=01:00:00 .*shard\.sbatch/,
    );
    expect(dry.stdout).toMatch(
      /sbatch --parsable --dependency=afterok:\{SHARD_JOB\} --kill-on-invalid-dep=yes /,
    );
    expect(dry.stdout).toContain('release --config');
    await expect(readFile(join(workdir, 'processed', '_slurm', 'submission.json'))).rejects.toThrow();
  });
});
