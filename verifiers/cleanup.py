"""Cleanup after a sandbox job: no process of a job outlives it."""

import os
import signal


def sweep(uid, group):
    """Kill whatever the job left: its process group, and every process of its uid."""
    try:
        os.killpg(group, signal.SIGKILL)
    except OSError:
        pass
    if uid is None:
        return
    for _ in range(5):
        helper = os.fork()
        if helper == 0:
            # kill(-1) as the job's uid reaches exactly that uid's processes (a fork bomb
            # that escaped the process group included); exit 1 when none were left.
            try:
                os.setgid(uid)
                os.setuid(uid)
                os.kill(-1, signal.SIGKILL)
                os._exit(0)
            except OSError:
                os._exit(1)
        _, status = os.waitpid(helper, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            return


def become_subreaper():
    """Orphans of a job (a fork bomb's children) are re-parented to us, so we can reap them."""
    import ctypes

    PR_SET_CHILD_SUBREAPER = 36
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def reap_orphans(block):
    # With a job uid, sweep() SIGKILLed everything left, so a blocking wait is short;
    # without one, a job's daemon may live on, so only collect what already exited.
    while True:
        try:
            pid, _ = os.waitpid(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
