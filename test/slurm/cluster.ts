import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type CliResult, runCli } from '../support/cli.ts';

const run = promisify(execFile);
export const repoRoot = join(import.meta.dirname, '../..');
const script = join(repoRoot, 'scripts/slurm-cluster.sh');
const PACKAGES = 'slurmd slurmctld slurm-client munge';

async function installed(): Promise<boolean> {
  try {
    const tools = ['slurmctld', 'slurmd', 'sbatch', 'scontrol', 'munged', 'mungekey'];
    await run('bash', ['-c', `PATH="$PATH:/usr/sbin"; ${tools.map((t) => `command -v ${t}`).join(' && ')}`]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Slurm and munge from Debian's packages: installed here when missing and we are root (as CI and
 * `make test` on a fresh machine are); otherwise a failure that says what to install.
 */
export async function ensureSlurm(): Promise<void> {
  const root = process.getuid?.() === 0;
  if (!(await installed())) {
    if (!root) {
      throw new Error(
        `Slurm is not installed and the test is not root: install it with \`sudo apt-get install --no-install-recommends ${PACKAGES}\` (or run the suite as root, which installs it)`,
      );
    }
    await run('bash', [script, 'install'], { timeout: 600_000 });
  }
  if (!root) {
    throw new Error(
      'the Slurm test starts slurmctld and slurmd, which needs root: run the suite as root (CI does)',
    );
  }
}

export interface Cluster {
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** munged + slurmctld + slurmd on loopback under `root`, idle and ready for jobs. */
export async function startCluster(root: string): Promise<Cluster> {
  const stop = async () => {
    await run('bash', [script, 'stop', root], { timeout: 60_000 });
  };
  try {
    await run('bash', [script, 'start', root], { timeout: 120_000 });
  } catch (error) {
    await stop().catch(() => undefined);
    const logs = await readFile(join(root, 'log', 'slurmctld.log'), 'utf8').catch(() => '');
    throw new Error(`${(error as { stderr?: string }).stderr ?? String(error)}\n${logs.slice(-2000)}`);
  }
  return { env: { ...process.env, SLURM_CONF: join(root, 'slurm.conf') }, stop };
}

export function cli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return runCli(args, { env });
}

/** `scontrol show job` states of one job (every task of an array), e.g. ["COMPLETED"]. */
export async function jobStates(id: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const { stdout } = await run('scontrol', ['show', 'job', '-o', id], { env });
  return [...stdout.matchAll(/\bJobState=(\S+)/g)].map((m) => m[1] as string);
}

const ACTIVE = /^(PENDING|RUNNING|CONFIGURING|COMPLETING|REQUEUED)$/;

/** Polls until every listed job has left the queue; returns their final states. */
export async function waitForJobs(
  ids: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<Record<string, string[]>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states: Record<string, string[]> = {};
    for (const id of ids) states[id] = await jobStates(id, env);
    if (Object.values(states).every((s) => s.length > 0 && s.every((state) => !ACTIVE.test(state)))) {
      return states;
    }
    if (Date.now() > deadline)
      throw new Error(`jobs still active after ${timeoutMs} ms: ${JSON.stringify(states)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** A Kaggle-shaped mirror holding only `refs` of the shared fixtures (copied: a few KB each). */
export async function subsetMirror(fixtures: string, out: string, refs: readonly string[]): Promise<void> {
  const index: { ref: string }[] = JSON.parse(await readFile(join(fixtures, 'index.json'), 'utf8'));
  const chosen = refs.map((ref) => {
    const entry = index.find((e) => e.ref === ref);
    if (!entry) throw new Error(`fixture mirror has no ${ref}`);
    return entry;
  });
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'index.json'), JSON.stringify(chosen, null, 2));
  for (const ref of refs) await cp(join(fixtures, ref), join(out, ref), { recursive: true });
}

/** A config whose raw/, processed/ and splits/ live in `workdir`. */
export async function writeConfig(workdir: string, mirror: string): Promise<string> {
  await mkdir(workdir, { recursive: true });
  const path = join(workdir, 'config.yaml');
  await writeFile(
    path,
    `source:\n  kind: mirror\n  mirror: ${mirror}\npaths:\n  raw: ${join(workdir, 'raw')}\n  processed: ${join(workdir, 'processed')}\n  splits: ${join(workdir, 'splits')}\n`,
  );
  return path;
}
