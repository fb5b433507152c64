import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InfraError } from '../errors.ts';
import type { ViewEntry } from './system-view.ts';
import type { WorkerCommand } from './worker-process.ts';

export const WORKER_SCRIPT = fileURLToPath(new URL('../../verifiers/worker.py', import.meta.url));
export const REFERENCE_SCRIPT = fileURLToPath(
  new URL('../../verifiers/reference_solution.py', import.meta.url),
);

/** Where verifiers/ appears inside a worker's sandbox (jobs see an empty folder there). */
export const SANDBOX_VERIFIERS = '/opt/dare-forge/verifiers';

export interface IsolationOptions {
  bwrap: string;
  python: string;
  /** The read-only host folders the sandbox shows (systemView). */
  view: readonly ViewEntry[];
  /** uid/gid the slot's jobs run as, or null when we are not root (no uid switching possible). */
  jobUid: number | null;
  blasThreads: number;
}

/**
 * The command that starts one warm worker inside bubblewrap: a read-only root holding only
 * the system view and our verifiers, nothing writable (each job mounts its own quota-limited
 * /tmp, see verifiers/jail.py), no network (empty net namespace), private /dev, /proc, IPC,
 * UTS and PID namespaces. The worker keeps only what it needs: CAP_SYS_ADMIN to give each
 * job a fresh pid namespace and, as root, CAP_SETUID/SETGID to switch to the slot's
 * unprivileged uid and CAP_KILL to kill that uid's job. Jobs get none of these (they switch
 * uid or enter their own user namespace, then drop every capability before their code);
 * running as another user we add a user namespace and jobs keep our uid.
 */
export function workerCommand(options: IsolationOptions): WorkerCommand {
  const threads = String(options.blasThreads);
  const namespaces = ['--unshare-net', '--unshare-ipc', '--unshare-pid', '--unshare-uts'];
  const privileges =
    options.jobUid === null
      ? ['--unshare-user', '--cap-add', 'CAP_SYS_ADMIN']
      : [
          '--cap-drop',
          'ALL',
          ...['CAP_SETUID', 'CAP_SETGID', 'CAP_SYS_ADMIN', 'CAP_KILL'].flatMap((cap) => ['--cap-add', cap]),
        ];
  const view = options.view.flatMap((entry) =>
    entry.kind === 'bind' ? ['--ro-bind', entry.path, entry.path] : ['--symlink', entry.target, entry.path],
  );
  // bubblewrap makes missing parents (/etc for /etc/ld.so.cache) 0700, which a job's uid
  // could not traverse: create them world-traversable first.
  const targets = [...options.view.map((entry) => entry.path), SANDBOX_VERIFIERS];
  const parents = [...new Set(targets.flatMap(ancestors))]
    .filter((path) => !targets.includes(path))
    .sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  const args = [
    ...parents.flatMap((path) => ['--perms', '0755', '--dir', path]),
    ...view,
    ...['--ro-bind', dirname(WORKER_SCRIPT), SANDBOX_VERIFIERS],
    ...['--dev', '/dev', '--remount-ro', '/dev', '--proc', '/proc', '--dir', '/tmp', '--remount-ro', '/'],
    ...namespaces,
    ...privileges,
    ...['--as-pid-1', '--die-with-parent', '--new-session', '--clearenv', '--chdir', '/'],
    ...['--setenv', 'PATH', '/usr/local/bin:/usr/bin:/bin', '--setenv', 'LANG', 'C.UTF-8'],
    ...['--setenv', 'PYTHONHASHSEED', '0', '--setenv', 'PYTHONDONTWRITEBYTECODE', '1'],
    ...['--setenv', 'OPENBLAS_NUM_THREADS', threads, '--setenv', 'OMP_NUM_THREADS', threads],
    ...['--setenv', 'MKL_NUM_THREADS', threads],
    '--',
    options.python,
    '-u',
    join(SANDBOX_VERIFIERS, basename(WORKER_SCRIPT)),
    ...(options.jobUid === null ? [] : ['--uid', String(options.jobUid)]),
  ];
  return { command: options.bwrap, args, env: {} };
}

/** `/a/b/c` -> [`/a`, `/a/b`]. */
function ancestors(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  return parts.slice(0, -1).map((_, index) => `/${parts.slice(0, index + 1).join('/')}`);
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
