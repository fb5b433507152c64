"""Per-job confinement inside a warm worker: fresh pid, user, mount and IPC namespaces.

The worker's bubblewrap view already holds only read-only system folders and no network.
Each job then gets, on top of it:
  * a pid namespace where the job is pid 1: it sees no worker and no other job, so it can
    neither signal nor ptrace them, and everything it starts dies with it;
  * a user namespace of its own (created as the job's unprivileged uid), whose capabilities
    only let the job's first moments build its mounts and are dropped before job code runs;
  * a mount namespace where /tmp is a fresh size- and inode-limited tmpfs (the job folder
    /tmp/job and its scratch: the total disk quota), and /proc and our own code are hidden;
  * an IPC namespace, so no SysV or POSIX message queue outlives it for the next job.
The tmpfs lives only as long as the job's namespace: when the job ends, its files are gone.
"""

import ctypes
import os

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
CAPABILITY_VERSION_3 = 0x20080522

JOB_ROOT = "/tmp"
JOB_DIR = "/tmp/job"
# Hidden from jobs: /proc would show the worker's pid namespace; our code is not theirs.
HIDDEN = ("/proc", "/opt/dare-forge")
# tmpfs charges whole pages and directory entries: room for the inputs' rounding.
PAGE = 4096

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


class PidNamespaces:
    """Makes the worker's next fork pid 1 of a fresh pid namespace (needs CAP_SYS_ADMIN).

    Returning to our own namespace after each fork (setns) needs CAP_SYS_ADMIN in the user
    namespace that owns it; bubblewrap's own may belong to an outer one, so the worker first
    moves into a pid namespace of its own: this process stays behind as its parent and waits.
    """

    def __init__(self):
        _check(_libc.unshare(CLONE_NEWPID), "unshare(CLONE_NEWPID)")
        child = os.fork()
        if child != 0:
            os.closerange(0, 3)
            _, status = os.waitpid(child, 0)
            os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
        self._own = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)

    def fork(self):
        _check(_libc.unshare(CLONE_NEWPID), "unshare(CLONE_NEWPID)")
        pid = -1
        try:
            pid = os.fork()
            return pid
        finally:
            if pid != 0:
                # Back to our own namespace for children, so the next job gets a fresh one.
                _check(_libc.setns(self._own, CLONE_NEWPID), "setns(CLONE_NEWPID)")


def enter_namespaces(uid):
    """In the job (pid 1 of its namespace): become `uid` (root mode), then unshare the rest."""
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    # The worker is non-dumpable (and a uid change makes us so): that would lock our own
    # /proc/self maps. Nothing outside the job's pid namespace can address it anyway.
    _check(_libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), "prctl(PR_SET_DUMPABLE)")
    outer_uid, outer_gid = os.getuid(), os.getgid()
    _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWIPC), "unshare")
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{outer_uid} {outer_uid} 1")
    _write("/proc/self/gid_map", f"{outer_gid} {outer_gid} 1")


def build_mounts(quota_bytes, max_inodes, uid, gid):
    """The job's file system view: a private /tmp with the quota, nothing of the worker's."""
    _check(_libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate /")
    options = f"size={quota_bytes},nr_inodes={max_inodes},mode=0755,uid={uid},gid={gid}"
    _mount_tmpfs(JOB_ROOT, MS_NOSUID | MS_NODEV, options)
    for path in HIDDEN:
        if os.path.isdir(path):
            _mount_tmpfs(path, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,nr_inodes=1,mode=0555")
    os.mkdir(JOB_DIR, 0o755)


def quota_for(max_disk_mb, input_sizes):
    """Bytes and inodes of the job's tmpfs: its own allowance plus room for the inputs."""
    inputs = sum((size + PAGE - 1) // PAGE * PAGE for size in input_sizes)
    extra_inodes = 2 * len(input_sizes) + 16
    return max_disk_mb * 1024 * 1024 + inputs + PAGE * extra_inodes, max(1024, 64 * max_disk_mb) + extra_inodes


def drop_capabilities():
    """No capability survives into job code, and no exec can bring one back."""

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    header = Header(CAPABILITY_VERSION_3, 0)
    data = (Data * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(PR_SET_NO_NEW_PRIVS)")


def _mount_tmpfs(target, flags, options):
    _check(_libc.mount(b"tmpfs", target.encode(), b"tmpfs", flags, options.encode()), f"mount tmpfs {target}")


def _write(path, text):
    with open(path, "w") as handle:
        handle.write(text)


def make_undumpable():
    """No process of our uid may ptrace us or read our memory through /proc."""
    _check(_libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl(PR_SET_DUMPABLE)")
