"""A warm sandbox worker: imports pandas and scikit-learn once, then forks a child per job.

Protocol (JSON lines): the worker prints {"ready": true, ...} once its imports are done,
then for each request line on stdin
    {"id", "code", "files": {path: base64}, "fetch_files": [path], "timeout_s", "memory_mb",
     "max_processes", "max_file_mb", "max_disk_mb", "max_output_bytes"}
it answers one line
    {"id", "status": "Finished" | "TimeLimitExceeded" | "Error", "execution_time",
     "return_code", "stdout", "stderr", "truncated", "files": {path: base64},
     "blocked": [{"kind", "detail"}]}.
Per job the worker forks one child as pid 1 of a fresh pid namespace; it enters its own
user, mount and IPC namespaces (jail.py), mounts a quota-limited /tmp holding the job folder
/tmp/job, writes the job's files there, drops every capability and runs `code` as __main__
under RLIMIT_AS / RLIMIT_NPROC / RLIMIT_FSIZE. Afterwards the same process reads back
`fetch_files` (what the job's own code left: as untrusted as its stdout) and exits; the
tmpfs vanishes with its namespace. A job killed at its time limit returns no files.
Network and the read-only system view come from bubblewrap (pipeline/sandbox/isolation.ts).
"""

import argparse
import json
import os
import resource
import selectors
import signal
import sys
import time

# Siblings, importable because Python puts this script's folder first on sys.path.
import cleanup
import jail
import warmup
import watch

MEGABYTE = 1024 * 1024
MAX_EVENT_BYTES = 32 * 1024
# What the reference solution and the MM checks need; importing it here makes the pool warm.
PRELOAD = (
    "sqlite3",
    "numpy",
    "pandas",
    "sklearn.compose",
    "sklearn.ensemble",
    "sklearn.impute",
    "sklearn.linear_model",
    "sklearn.multioutput",
    "sklearn.naive_bayes",
    "sklearn.neural_network",
    "sklearn.pipeline",
    "sklearn.preprocessing",
    "sklearn.svm",
    "sklearn.tree",
)


def preload():
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    warmup.warm_up()


def apply_limits(job):
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if job["memory_mb"] > 0:
        size = job["memory_mb"] * MEGABYTE
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    if job["max_file_mb"] > 0:
        size = job["max_file_mb"] * MEGABYTE
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    if job["max_processes"] > 0:
        # Counted per user namespace: the job's own processes, not the worker's or others'.
        resource.setrlimit(resource.RLIMIT_NPROC, (job["max_processes"], job["max_processes"]))


def run_child(job, uid, fds):
    """In the job, pid 1 of its namespace: confine, run the code, report. Never returns."""
    code = 1
    try:
        os.setsid()
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGPIPE, signal.SIGXFSZ):
            signal.signal(signum, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        for target, name in ((1, "stdout"), (2, "stderr"), (3, "events"), (4, "result")):
            os.dup2(fds[name], target)
        os.closerange(5, 65536)
        try:
            jail.enter_namespaces(uid)
            contents = {jail_path(path): _decode(text) for path, text in job["files"].items()}
            quota, inodes = jail.quota_for(job["max_disk_mb"], [len(data) for data in contents.values()])
            jail.build_mounts(quota, inodes, os.getuid(), os.getgid())
            for path, data in contents.items():
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as handle:
                    handle.write(data)
            del contents
            jail.drop_capabilities()
            os.chdir(jail.JOB_DIR)
            apply_limits(job)
            os.environ.clear()
            os.environ.update(job_environment())
        except Exception as error:  # the sandbox could not be built: not the job's failure
            os.write(4, json.dumps({"error": f"{type(error).__name__}: {error}"}).encode() + b"\n")
            raise
        # Before any job code: from here on the pipe carries what the job may forge.
        os.write(4, b'{"ready": true}\n')
        watch.install(3)
        code = execute(job["code"])
        flush_streams()
        report = {"files": fetch(job["fetch_files"]), "disk_full": disk_full()}
        os.write(4, json.dumps(report).encode())
    except BaseException:  # report the harness's own failure on the job's stderr
        import traceback

        traceback.print_exc()
    finally:
        flush_streams()
        os._exit(code)


def flush_streams():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass


def jail_path(path):
    normal = os.path.normpath(path)
    if os.path.isabs(normal) or normal == "." or normal.split(os.sep)[0] == "..":
        raise ValueError(f"file path {path!r} leaves the job folder")
    return os.path.join(jail.JOB_DIR, normal)


def fetch(paths):
    """The requested files the job left: regular files inside its folder, links not followed."""
    import base64
    import stat

    out = {}
    for path in paths:
        try:
            real = os.path.realpath(jail_path(path))
            if not real.startswith(jail.JOB_DIR + os.sep):
                continue
            fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except (OSError, ValueError):
            continue
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                with open(fd, "rb", closefd=False) as handle:
                    out[path] = base64.b64encode(handle.read()).decode("ascii")
        finally:
            os.close(fd)
    return out


def disk_full():
    stats = os.statvfs(jail.JOB_ROOT)
    return stats.f_bavail * stats.f_frsize < 16 * jail.PAGE or stats.f_favail == 0


def job_environment():
    keep = ("PATH", "LANG", "LC_ALL", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
    environment = {key: os.environ[key] for key in keep if key in os.environ}
    environment.update({"HOME": jail.JOB_DIR, "TMPDIR": jail.JOB_ROOT, "PYTHONHASHSEED": "0"})
    return environment


def execute(source):
    import builtins
    import importlib
    import linecache

    sys.argv = ["main.py"]
    # Like `python main.py` in the job folder: the job's own modules are importable, ours not.
    sys.path[0] = os.getcwd()
    importlib.invalidate_caches()
    linecache.cache["main.py"] = (len(source), None, source.splitlines(True), "main.py")
    namespace = {"__name__": "__main__", "__file__": "main.py", "__builtins__": builtins}
    try:
        exec(compile(source, "main.py", "exec"), namespace)
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            return stop.code or 0
        print(stop.code, file=sys.stderr)
        return 1
    except BaseException:
        import traceback

        traceback.print_exc()
        return 1
    return 0


def collect(child, pipes, job):
    """Read the job's pipes until it exits, enforcing the time and output limits."""
    selector = selectors.DefaultSelector()
    buffers = {}
    for name, fd in pipes.items():
        os.set_blocking(fd, False)
        selector.register(fd, selectors.EVENT_READ, name)
        buffers[name] = bytearray()
    limit, deadline = job["max_output_bytes"], time.monotonic() + job["timeout_s"]
    # Fetched files are base64 of at most the job's tmpfs; a longer report is garbage.
    inputs = sum(len(text) for text in job["files"].values())
    ceilings = {"events": MAX_EVENT_BYTES, "result": (job["max_disk_mb"] * MEGABYTE * 4) // 3 + inputs + MEGABYTE}
    verdict, status, grace_end = None, None, None
    while True:
        now = time.monotonic()
        if status is None:
            pid, status_value = os.waitpid(child, os.WNOHANG)
            if pid:
                status, grace_end = status_value, now + 1.0
        if status is None and now >= deadline:
            verdict = "timeout"
            break
        if status is not None and (not selector.get_map() or now >= grace_end):
            break
        if not selector.get_map():
            time.sleep(min(0.05, deadline - now))
            continue
        wait = (deadline if grace_end is None else grace_end) - now
        for key, _ in selector.select(timeout=min(wait, 0.1)):
            chunk = os.read(key.fd, 65536)
            if not chunk:
                selector.unregister(key.fd)
                continue
            if len(buffers[key.data]) >= ceilings.get(key.data, float("inf")):
                continue  # the job writes these pipes too: keep what we need, drop the rest
            buffers[key.data].extend(chunk)
            if key.data in ("stdout", "stderr") and len(buffers[key.data]) > limit:
                verdict = "output"
        if verdict:
            break
    selector.close()
    return verdict, status, buffers


def blocked_attempts(events, full, max_disk_mb):
    seen, out = set(), []
    for line in events.decode("utf-8", "replace").splitlines():
        kind, _, detail = line.partition("\t")
        if kind in watch.KINDS and (kind, detail) not in seen:
            seen.add((kind, detail))
            out.append({"kind": kind, "detail": detail})
    if full:
        out.append({"kind": "disk_quota", "detail": f"the job filled its {max_disk_mb} MiB disk quota"})
    return out


def run_job(job, uid, namespaces):
    started = time.monotonic()
    pipes, fds = {}, {}
    for name in ("stdout", "stderr", "events", "result"):
        pipes[name], fds[name] = os.pipe()
    sys.stdout.flush()
    child = namespaces.fork()
    if child == 0:
        for fd in pipes.values():
            os.close(fd)
        run_child(job, uid, fds)
    for fd in fds.values():
        os.close(fd)
    verdict, status, buffers = collect(child, pipes, job)
    if status is None:
        cleanup.kill_job(child)
        _, status = os.waitpid(child, 0)
    for fd in pipes.values():
        os.close(fd)
    cleanup.reap_orphans()
    limit = job["max_output_bytes"]
    stdout, stderr = (bytes(buffers[name][:limit]).decode("utf-8", "replace") for name in ("stdout", "stderr"))
    return_code = os.waitstatus_to_exitcode(status)
    report = parse_report(buffers["result"] if verdict is None else b"")
    if report["error"] is not None:
        return {"id": job["id"], "status": "Error", "message": f"job sandbox setup failed: {report['error']}"}
    if verdict == "output":
        stderr += f"\n[sandbox] output exceeded {limit} bytes; the job was killed\n"
        return_code = -signal.SIGKILL
    if verdict == "timeout":
        stderr += f"\n[sandbox] time limit of {job['timeout_s']} s exceeded; the job was killed\n"
    return {
        "id": job["id"],
        "status": "TimeLimitExceeded" if verdict == "timeout" else "Finished",
        "execution_time": round(time.monotonic() - started, 6),
        "return_code": None if verdict == "timeout" else return_code,
        "stdout": stdout,
        "stderr": stderr,
        "truncated": verdict == "output",
        "files": report["files"],
        "blocked": blocked_attempts(bytes(buffers["events"]), report["disk_full"], job["max_disk_mb"]),
    }


def parse_report(raw):
    """Set-up outcome (ours, written before any job code), then the job's files (its own)."""
    setup, _, rest = bytes(raw).partition(b"\n")
    first = _json_object(setup)
    if first.get("ready") is not True:
        error = first.get("error")
        return {"files": {}, "disk_full": False, "error": error if isinstance(error, str) else None}
    report = _json_object(rest)
    files = report.get("files")
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        files = {}
    return {"files": files, "disk_full": report.get("disk_full") is True, "error": None}


def _json_object(raw):
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _decode(text):
    import base64

    return base64.b64decode(text, validate=True)


def serve(uid):
    namespaces = jail.PidNamespaces()
    jail.make_undumpable()
    preload()
    send({"ready": True, "pid": os.getpid(), "uid": uid})
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        try:
            send(run_job(job, uid, namespaces))
        except OSError as error:
            send({"id": job.get("id"), "status": "Error", "message": f"{type(error).__name__}: {error}"})


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Warm sandbox worker (JSON lines on stdin/stdout).")
    parser.add_argument("--uid", type=int, default=None, help="unprivileged uid (and gid) that jobs run as")
    serve(parser.parse_args().uid)
