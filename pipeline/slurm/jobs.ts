import { execFile } from 'node:child_process';
import { UserError } from '../errors.ts';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  /** The program is not on PATH. */
  missing: boolean;
}

function runTool(program: string, args: readonly string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(program, args, { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      resolve({
        code: error ? (typeof code === 'number' ? code : 1) : 0,
        stdout,
        stderr,
        missing: code === 'ENOENT',
      });
    });
  });
}

/** Submits one job; returns the id sbatch --parsable prints ("12" or "12;cluster" -> "12"). */
export async function sbatch(args: readonly string[]): Promise<string> {
  const ran = await runTool('sbatch', args);
  if (ran.missing) {
    throw new UserError(
      'slurm: sbatch is not on PATH; run this on a Slurm login node (or install slurm-client), or use --dry-run to see the scripts',
    );
  }
  const id = /^(\d+)/.exec(ran.stdout.trim())?.[1];
  if (ran.code !== 0 || !id) {
    throw new UserError(
      `slurm: sbatch ${args.at(-1)} failed: ${(ran.stderr || ran.stdout).trim() || `exit ${ran.code}`}`,
    );
  }
  return id;
}

/** A job's state from `scontrol show job` (e.g. RUNNING, COMPLETED, FAILED); undefined when unknown. */
export async function jobState(id: string): Promise<string | undefined> {
  const ran = await runTool('scontrol', ['show', 'job', '-o', id]);
  if (ran.code !== 0) return undefined;
  const states = [...ran.stdout.matchAll(/\bJobState=(\S+)/g)].map((m) => m[1] as string);
  if (states.length === 0) return undefined;
  // An array job lists every task: report one state when they agree, else each distinct one.
  return [...new Set(states)].sort().join(',');
}

/** Whether Slurm still holds the job queued or running (so it could still start or finish). */
export function isActive(state: string | undefined): boolean {
  return state !== undefined && /\b(PENDING|RUNNING|CONFIGURING|COMPLETING|REQUEUED|SUSPENDED)\b/.test(state);
}

export async function scancel(id: string): Promise<void> {
  const ran = await runTool('scancel', [id]);
  if (ran.code !== 0 && !ran.missing) {
    throw new UserError(`slurm: scancel ${id} failed: ${ran.stderr.trim() || `exit ${ran.code}`}`);
  }
}
