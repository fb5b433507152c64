"""Shared by the fixed verification programs: parameters, table loading, canonical cells (ranges.py).

These programs run in the sandbox next to the task's files and verifiers/reference_solution.py
(shipped as job files), read checks_params.json and write checks_result.json. Column names and
every task-specific value come from that parameters file, never from generated code.
"""

import contextlib
import json
import math
import os
import signal
import sys

from ranges import canonical  # noqa: F401 (re-exported: common.canonical)

PARAMS_FILE = "checks_params.json"
RESULT_FILE = "checks_result.json"


class CheckInputError(Exception):
    def __init__(self, status, detail):
        super().__init__(detail)
        self.status = status
        self.detail = detail


@contextlib.contextmanager
def run_budget(seconds, label):
    """One reference run of a multi-run check job, limited to `seconds` of wall time.

    The job's own limit is the sum of its runs' budgets, so a slow run is named here
    (status timeout, detail naming the run) instead of the whole job being killed.
    """
    if not seconds:
        yield
        return

    def expire(_signum, _frame):
        raise CheckInputError("timeout", f"{label}: no result within the {seconds:g} s run limit")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def read_params():
    with open(PARAMS_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def write_result(result):
    with open(RESULT_FILE, "w", encoding="utf-8") as handle:
        json.dump(result, handle, sort_keys=True, allow_nan=False)
        handle.write("\n")


def run_main(body):
    """Runs body(params) -> results and records either the results or why there are none."""
    try:
        write_result({"status": "ok", "results": body(read_params())})
    except CheckInputError as error:
        write_result({"status": error.status, "detail": error.detail})
        print(f"{error.status}: {error.detail}", file=sys.stderr)
    return 0


def require(name):
    if not os.path.isfile(name):
        raise CheckInputError("missing_input", f"input file {name!r} is missing")
    return name


def require_pyarrow():
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise CheckInputError("env_missing_pyarrow", "parquet inputs need pyarrow, which this Python lacks")


def load_table(stem, file_type, sqlite_table=None):
    """A published-layout table; sqlite_table None joins every table carrying row_id."""
    import numpy as np
    import pandas as pd

    import reference_solution as ref

    path = require(f"{stem}.{file_type}")
    if file_type == "csv":
        return pd.read_csv(path, keep_default_na=False, na_values=[""])
    if file_type == "parquet":
        require_pyarrow()
        return pd.read_parquet(path).replace({None: np.nan})
    if sqlite_table is None:
        return ref.load_joined_sqlite(pd, path).replace({None: np.nan})
    connection = ref.connect_read_only(path)
    try:
        return ref.read_sqlite_table(pd, connection, sqlite_table).replace({None: np.nan})
    finally:
        connection.close()


def canonical_frame(frame):
    return [[canonical(value) for value in row] for row in frame.itertuples(index=False, name=None)]


def clipped_r2(truth, predicted):
    from sklearn.metrics import r2_score

    return min(1.0, max(0.0, float(r2_score(truth, predicted))))


def finite(value):
    return None if value is None or not math.isfinite(value) else float(value)
