"""A warm sandbox worker: imports pandas and scikit-learn once, then forks a child per job.

Protocol (JSON lines): the worker prints {"ready": true, ...} once its imports are done,
then for each request line on stdin
    {"id", "dir", "code", "timeout_s", "memory_mb", "max_processes", "max_file_mb",
     "max_output_bytes"}
it answers one line
    {"id", "status": "Finished" | "TimeLimitExceeded" | "Error", "execution_time",
     "return_code", "stdout", "stderr", "truncated"}.
The child runs `code` as __main__ in `dir` (which holds only the job's files) under
RLIMIT_AS / RLIMIT_NPROC / RLIMIT_FSIZE, as an unprivileged uid when --uid is given (we run
as root, where RLIMIT_NPROC is ignored). Network and the read-only system view come from
the namespace the worker is started in (bubblewrap, see pipeline/sandbox/isolation.ts).
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
import warmup

MEGABYTE = 1024 * 1024
# What the reference solution needs; importing it here is what makes the pool warm.
PRELOAD = (
    "sqlite3",
    "numpy",
    "pandas",
    "sklearn.compose",
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
        resource.setrlimit(resource.RLIMIT_NPROC, (job["max_processes"], job["max_processes"]))


def drop_privileges(uid):
    if uid is None:
        return
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def run_child(job, uid, stdout_fd, stderr_fd):
    """In the forked child: confine, then run the code as __main__. Never returns."""
    code = 1
    try:
        os.setsid()
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGPIPE, signal.SIGXFSZ):
            signal.signal(signum, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(stdout_fd, 1)
        os.dup2(stderr_fd, 2)
        os.closerange(3, 65536)
        drop_privileges(uid)
        os.chdir(job["dir"])
        apply_limits(job)
        os.environ.clear()
        os.environ.update(job_environment(job["dir"]))
        code = execute(job["code"])
    except BaseException:  # report the harness's own failure on the job's stderr
        import traceback

        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        os._exit(code)


def job_environment(folder):
    keep = ("PATH", "LANG", "LC_ALL", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
    environment = {key: os.environ[key] for key in keep if key in os.environ}
    environment.update({"HOME": folder, "TMPDIR": folder, "PYTHONHASHSEED": "0"})
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
    """Read the child's output until it exits, enforcing the time and output limits."""
    selector = selectors.DefaultSelector()
    buffers = {}
    for name, fd in pipes.items():
        os.set_blocking(fd, False)
        selector.register(fd, selectors.EVENT_READ, name)
        buffers[name] = bytearray()
    limit, deadline = job["max_output_bytes"], time.monotonic() + job["timeout_s"]
    verdict, status, grace_end = None, None, None
    while True:
        now = time.monotonic()
        if status is None:
            pid, status_value = os.waitpid(child, os.WNOHANG)
            if pid:
                # Grandchildren may hold the pipes open: give them a moment, not forever.
                status, grace_end = status_value, now + 1.0
        if status is None and now >= deadline:
            verdict = "timeout"
            break
        if status is not None and (not selector.get_map() or now >= grace_end):
            break
        if not selector.get_map():
            time.sleep(min(0.05, deadline - now))  # pipes closed, job still running
            continue
        wait = (deadline if grace_end is None else grace_end) - now
        for key, _ in selector.select(timeout=min(wait, 0.1)):
            chunk = os.read(key.fd, 65536)
            if not chunk:
                selector.unregister(key.fd)
                continue
            buffers[key.data].extend(chunk)
            if len(buffers[key.data]) > limit:
                verdict = "output"
        if verdict:
            break
    selector.close()
    return verdict, status, buffers


def run_job(job, uid):
    started = time.monotonic()
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    sys.stdout.flush()
    child = os.fork()
    if child == 0:
        os.close(out_read)
        os.close(err_read)
        run_child(job, uid, out_write, err_write)
    os.close(out_write)
    os.close(err_write)
    verdict, status, buffers = collect(child, {"stdout": out_read, "stderr": err_read}, job)
    cleanup.sweep(uid, child)
    if status is None:
        _, status = os.waitpid(child, 0)
    for fd in (out_read, err_read):
        os.close(fd)
    cleanup.reap_orphans(block=uid is not None)
    limit = job["max_output_bytes"]
    stdout, stderr = (bytes(buffers[name][:limit]).decode("utf-8", "replace") for name in ("stdout", "stderr"))
    return_code = os.waitstatus_to_exitcode(status)
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
    }


def prepare_folder(folder, uid):
    if uid is None:
        return
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            os.lchown(os.path.join(root, name), uid, uid)
    os.chown(folder, uid, uid)
    os.chmod(folder, 0o700)


def serve(uid):
    cleanup.become_subreaper()
    preload()
    send({"ready": True, "pid": os.getpid(), "uid": uid})
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        try:
            prepare_folder(job["dir"], uid)
            send(run_job(job, uid))
        except OSError as error:
            send({"id": job.get("id"), "status": "Error", "message": f"{type(error).__name__}: {error}"})


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Warm sandbox worker (JSON lines on stdin/stdout).")
    parser.add_argument("--uid", type=int, default=None, help="unprivileged uid (and gid) that jobs run as")
    serve(parser.parse_args().uid)
