"""Cleanup after a sandbox job: no process of a job outlives it.

A job is pid 1 of its own pid namespace (jail.py), so killing it makes the kernel kill
every process it started, however it detached (setsid, double fork, a fork bomb); the
job's tmpfs goes with the namespace. The worker holds CAP_KILL for this when it runs as
root and jobs run as another uid.
"""

import os
import signal


def kill_job(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def reap_orphans():
    """Collect any child that already exited (none should be left but the job itself)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
