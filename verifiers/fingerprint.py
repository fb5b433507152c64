"""Print, as JSON, the facts that decide whether reference predictions are reproducible.

IF ground truth is environment dependent: the library versions and the BLAS library and
its kernel architecture all move float results by an ulp. Recording them beside every
verdict lets a mismatch be explained instead of guessed at.
"""

import importlib
import json
import platform
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


def fingerprint():
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "libraries": library_versions(),
        "blas": blas_info(),
        "platform": {
            "system": platform.system(),
            "machine": platform.machine(),
            "release": platform.release(),
            "libc": "-".join(platform.libc_ver()),
        },
    }


if __name__ == "__main__":
    json.dump(fingerprint(), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
