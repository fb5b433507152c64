import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { InfraError } from '../errors.ts';
import type { WorkerCommand } from './worker-process.ts';

export const WORKER_SCRIPT = fileURLToPath(new URL('../../verifiers/worker.py', import.meta.url));
export const REFERENCE_SCRIPT = fileURLToPath(
  new URL('../../verifiers/reference_solution.py', import.meta.url),
);

export interface IsolationOptions {
  bwrap: string;
  python: string;
  /** The only writable folder inside the sandbox: job folders live under it. */
  poolRoot: string;
  /** uid/gid the slot's jobs run as, or null when we are not root (no uid switching possible). */
  jobUid: number | null;
  blasThreads: number;
}

/**
 * The command that starts one warm worker inside bubblewrap: a read-only view of the whole
 * system, only the pool folder writable, no network (empty net namespace), private /proc,
 * /dev, IPC and PID namespaces. Running as root we keep only the capabilities the worker
 * needs to hand job folders to the slot's unprivileged uid and switch to it; running as
 * another user we add a user namespace and jobs keep our uid (RLIMIT_NPROC then applies).
 */
export function workerCommand(options: IsolationOptions): WorkerCommand {
  const threads = String(options.blasThreads);
  const namespaces = ['--unshare-net', '--unshare-ipc', '--unshare-pid', '--unshare-uts'];
  const privileges =
    options.jobUid === null
      ? ['--unshare-user']
      : [
          '--cap-drop',
          'ALL',
          ...['CAP_SETUID', 'CAP_SETGID', 'CAP_CHOWN', 'CAP_FOWNER'].flatMap((cap) => ['--cap-add', cap]),
        ];
  const args = [
    ...['--ro-bind', '/', '/', '--dev', '/dev', '--remount-ro', '/dev', '--proc', '/proc'],
    ...['--bind', options.poolRoot, options.poolRoot],
    ...namespaces,
    ...privileges,
    ...['--as-pid-1', '--die-with-parent', '--new-session', '--clearenv'],
    ...['--setenv', 'PATH', '/usr/local/bin:/usr/bin:/bin', '--setenv', 'LANG', 'C.UTF-8'],
    ...['--setenv', 'PYTHONHASHSEED', '0', '--setenv', 'PYTHONDONTWRITEBYTECODE', '1'],
    ...['--setenv', 'OPENBLAS_NUM_THREADS', threads, '--setenv', 'OMP_NUM_THREADS', threads],
    ...['--setenv', 'MKL_NUM_THREADS', threads],
    '--',
    options.python,
    '-u',
    WORKER_SCRIPT,
    ...(options.jobUid === null ? [] : ['--uid', String(options.jobUid)]),
  ];
  return { command: options.bwrap, args, env: {} };
}

/** Fails the run with one clear message when the sandbox cannot be built on this machine. */
export async function checkIsolationTools(bwrap: string, python: string): Promise<void> {
  for (const [key, path, what] of [
    ['verify.bwrap', bwrap, 'bubblewrap (apt install bubblewrap)'],
    ['verify.python', python, 'a Python with pandas and scikit-learn'],
  ] as const) {
    try {
      await access(path, constants.X_OK);
    } catch {
      throw new InfraError(`${key}: ${path} is not an executable; install ${what} or point ${key} at it`);
    }
  }
}

/** Jobs run as a separate unprivileged uid only when we are root (only root can switch). */
export function canSwitchUid(): boolean {
  return process.getuid?.() === 0;
}
