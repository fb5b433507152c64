"""Checks, as a solver using pandas would, that filtering train_v1 by the stated expected
ranges (keeping missing values) and dropping row_id gives exactly train_v1_no_err.
Usage: python3 invariant.py <task-dir>...  -> one JSON line per csv/sqlite task."""
import json
import os
import sqlite3
import sys

import numpy as np
import pandas as pd


def quote(name):
    return '"' + name.replace('"', '""') + '"'


def load(path, fmt):
    if fmt == "csv":
        return pd.read_csv(path, keep_default_na=False, na_values=[""])
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY rowid")]
        frames = [pd.read_sql_query(f"SELECT * FROM {quote(n)}", con) for n in names]
    finally:
        con.close()
    df = frames[0]
    for frame in frames[1:]:
        df = df.merge(frame, on="row_id", how="inner")
    return df.replace({None: np.nan})


def check(task_dir):
    meta = json.load(open(os.path.join(task_dir, "verify", "all_metadata.json"), encoding="utf-8"))["question"]
    fmt = meta["save_file_type"]
    source = os.path.join(task_dir, "source")
    noisy = load(os.path.join(source, f"train_v1.{fmt}"), fmt)
    clean = load(os.path.join(source, f"train_v1_no_err.{fmt}"), fmt)
    if "row_id" in noisy.columns:
        noisy = noisy.sort_values("row_id").drop(columns=["row_id"])
    noisy = noisy[list(clean.columns)]
    violations = pd.Series(0, index=noisy.index)
    for column, allowed in meta["expected_ranges"].items():
        values = noisy[column]
        if meta["column_type_inference"][column] == "numerical":
            bad = values.notna() & ~values.between(allowed[0], allowed[1])
        else:
            bad = values.notna() & ~values.isin(allowed)
        violations += bad.astype(int)
    kept = noisy[violations == 0].reset_index(drop=True)
    removed = violations[violations > 0]
    ranged = list(meta["expected_ranges"])
    result = {
        "task": os.path.basename(task_dir),
        "format": fmt,
        "rows": len(noisy),
        "removed": int(len(removed)),
        "min_violations": int(removed.min()) if len(removed) else 0,
        "max_violations": int(removed.max()) if len(removed) else 0,
        "kept_with_missing": int(clean[ranged].isna().any(axis=1).sum()),
    }
    try:
        pd.testing.assert_frame_equal(kept, clean.reset_index(drop=True), check_dtype=False)
        result["equal"] = True
    except AssertionError as error:
        result["equal"] = False
        result["detail"] = str(error)[:500]
    return result


for task in sys.argv[1:]:
    print(json.dumps(check(task)))
