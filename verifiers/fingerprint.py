"""Print, as JSON, the facts that decide whether reference predictions are reproducible.

IF ground truth is environment dependent: the library versions and the BLAS library and
its kernel architecture all move float results by an ulp. Recording them beside every
verdict lets a mismatch be explained instead of guessed at.
"""

import importlib
import json
import os
import platform
import site
import sys

LIBRARIES = ("numpy", "pandas", "sklearn", "scipy", "pyarrow", "threadpoolctl")


def library_versions():
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = getattr(importlib.import_module(name), "__version__", "unknown")
        except ImportError:
            versions[name] = None
    return versions


def blas_info():
    try:
        import numpy  # noqa: F401  (loads the BLAS so threadpoolctl can see it)
        import scipy.linalg  # noqa: F401
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    keep = ("internal_api", "user_api", "version", "architecture", "threading_layer", "num_threads", "filepath")
    pools = [{key: pool.get(key) for key in keep} for pool in threadpool_info()]
    return sorted(pools, key=lambda pool: (str(pool["user_api"]), str(pool["filepath"])))


def stamp_files(blas):
    """Files whose size and mtime change when the interpreter, a library or the BLAS does: the
    caller may reuse this fingerprint while they all stay the same (an upgrade replaces them)."""
    files = [sys.executable]
    for name in LIBRARIES:
        module = sys.modules.get(name)
        path = getattr(module, "__file__", None) if module else None
        if path:
            files += [path, os.path.dirname(path)]
    files += [pool["filepath"] for pool in blas if pool.get("filepath")]
    # A library installed where none was (pyarrow, a user site) changes these folders.
    files += site.getsitepackages() + [site.getusersitepackages()]
    return sorted(set(files))


def fingerprint():
    blas = blas_info()
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "libraries": library_versions(),
        "blas": blas,
        "platform": {
            "system": platform.system(),
            "machine": platform.machine(),
            "release": platform.release(),
            "libc": "-".join(platform.libc_ver()),
        },
        "stamp_files": stamp_files(blas),
    }


if __name__ == "__main__":
    json.dump(fingerprint(), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
