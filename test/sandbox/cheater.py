# A job written to escape the sandbox (test/sandbox/escape.test.ts). It reads its targets
# from targets.json, tries every escape, and prints one JSON object: escape -> outcome,
# "blocked: ..." when the attempt failed, anything else when it got through.
import ctypes
import json
import os
import socket
import subprocess

targets = json.load(open("targets.json"))
outcome = {}


def attempt(name, action):
    try:
        result = action()
        outcome[name] = result if isinstance(result, str) and result.startswith("blocked") else f"GOT {result!r}"[:300]
    except OSError as error:
        outcome[name] = f"blocked: {type(error).__name__} errno {error.errno}"


def read(path):
    with open(path) as handle:
        return handle.read(200)


def search(names):
    found = []
    for root, dirs, files in os.walk("/"):
        dirs[:] = [d for d in dirs if os.path.join(root, d) not in ("/proc", "/sys", "/usr", "/dev")]
        found += [os.path.join(root, f) for f in files + dirs if any(n in f for n in names)]
    return "blocked: not found" if not found else found


def listing_root():
    entries = set(os.listdir("/"))
    host_only = entries - {"usr", "bin", "lib", "lib64", "sbin", "etc", "dev", "proc", "sys", "tmp", "opt"}
    return "blocked: only system folders" if not host_only else sorted(host_only)


def connect_unix(address):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(3)
        client.connect(address)
        return "connected"


def connect_tcp():
    socket.create_connection(("127.0.0.1", targets["tcp_port"]), timeout=3).close()
    return "connected"


def proc_listing():
    visible = [entry for entry in os.listdir("/proc") if entry.isdigit()]
    return "blocked: no process visible" if not visible else visible


def ptrace_anyone():
    libc = ctypes.CDLL(None, use_errno=True)
    PTRACE_ATTACH = 16
    for pid in list(range(2, 80)) + targets["worker_pids"]:
        if libc.ptrace(PTRACE_ATTACH, pid, 0, 0) == 0:
            return f"attached to {pid}"
    return f"blocked: errno {ctypes.get_errno()}"


def kill_worker():
    for pid in targets["worker_pids"]:
        try:
            os.kill(pid, 9)
            return f"killed {pid}"
        except ProcessLookupError:
            pass
    os.kill(-1, 9)  # everything we may signal: in our namespace, only what we started
    return "blocked: no worker reachable"


def fill_disk():
    os.makedirs("many", exist_ok=True)
    written = 0
    try:
        for index in range(10**6):
            with open(f"many/{index}.bin", "wb") as handle:
                handle.write(b"x" * 4096)
            written += 4096
    except OSError as error:
        limit = targets["max_disk_bytes"]
        if written <= limit:
            return f"blocked: errno {error.errno} after {written} bytes"
        return f"wrote {written} bytes, over {limit}"
    return f"wrote {written} bytes without end"


def mount_over():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.mount(b"tmpfs", b"/tmp/job", b"tmpfs", 0, b"size=1g") == 0:
        return "mounted"
    return f"blocked: errno {ctypes.get_errno()}"


def leave_behind():
    open(f"left-{targets['marker']}", "w").write("x")
    open(f"/tmp/left-{targets['marker']}", "w").write("x")
    subprocess.Popen(["/bin/sleep", targets["daemon_seconds"]], start_new_session=True)
    return "blocked: (checked by the next job and the host)"


attempt("host_file", lambda: read(targets["host_file"]))
attempt("fixture_ground_truth", lambda: read(targets["ground_truth"]))
attempt("fixture_verify_folder", lambda: os.listdir(targets["verify_folder"]))
attempt("list_root", listing_root)
attempt("other_job_or_previous_job", lambda: search([targets["other_marker"], targets["previous_marker"]]))
attempt("unix_socket_on_host", lambda: connect_unix(targets["unix_socket"]))
attempt("abstract_socket_of_other_job", lambda: connect_unix("\0" + targets["other_marker"]))
attempt("tcp_loopback", connect_tcp)
attempt("proc_of_others", proc_listing)
attempt("proc_of_worker", lambda: read("/proc/1/cmdline"))
attempt("ptrace", ptrace_anyone)
attempt("mount", mount_over)
attempt("total_disk", fill_disk)
attempt("leave_behind", leave_behind)
attempt("kill_worker", kill_worker)
print(json.dumps(outcome))
