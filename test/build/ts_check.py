"""Checks built time-series task folders with pandas, as an evaluator would read them.
Usage: python3 ts_check.py <task-dir>...  -> one JSON line per task."""
import json
import os
import sys

import pandas as pd


def read(path):
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def check(task_dir):
    meta = json.load(open(os.path.join(task_dir, "verify", "all_metadata.json"), encoding="utf-8"))["question"]
    src, ver = os.path.join(task_dir, "source"), os.path.join(task_dir, "verify")
    train, val1, val2 = read(os.path.join(src, "train.csv")), read(os.path.join(src, "val_v1.csv")), read(os.path.join(src, "val_v2.csv"))
    gt1, gt2 = read(os.path.join(ver, "ground_truth_v1.csv")), read(os.path.join(ver, "ground_truth_v2.csv"))
    time, fmt, targets = meta["time_column"], meta["time_format"], meta["target"]
    parse = lambda s: pd.to_datetime(s.astype(str), format=fmt, utc="%z" in fmt)
    start = pd.Timestamp(meta["prediction_starting_time"])
    if start.tzinfo is None and "%z" in fmt:
        start = start.tz_localize("UTC")
    problems = []
    if not (parse(train[time]) < start).all():
        problems.append("train has rows at or after prediction_starting_time")
    if not (parse(val1[time]) >= start).all():
        problems.append("val_v1 has rows before prediction_starting_time")
    if list(val1["row_id"]) != list(gt1["row_id"]) or list(gt1.columns) != ["row_id", *targets]:
        problems.append("val_v1 and ground_truth_v1 disagree on row_id or columns")
    if any(t in val1.columns or t in val2.columns for t in targets):
        problems.append("a target leaks into a validation file")
    keys = list(val2.columns)
    if keys[0] != time or list(gt2.columns) != keys + targets:
        problems.append(f"val_v2 columns {keys} / ground_truth_v2 columns {list(gt2.columns)}")
    if val2.duplicated().any() or len(val2) != len(gt2):
        problems.append("val_v2 keys are duplicated or do not match ground_truth_v2")
    if gt2[targets].isna().any().any() or gt1[targets].isna().any().any():
        problems.append("missing ground truth")
    parse(val2[time])  # resampled labels must parse with time_format too
    return {"task": os.path.basename(task_dir), "problems": problems, "train": len(train), "val_v2": len(val2)}


for task in sys.argv[1:]:
    print(json.dumps(check(task)))
