"""Independent expected scores for test/score: pandas + scikit-learn as the benchmark uses them.

Reads a JSON job list on stdin: [{"key", "truth", "prediction", "targets", "ids", "metric"}]
and prints {"key": score}, floats in repr precision (exact round trip). A metric that raises
scores 0 (the benchmark catches it); reading or merging that raises gives null.
Alignment restates the published inference evaluator (scripts/utils.py get_final_result_for_eval
in Snowflake-Labs/dare-bench): inner merge of the ground truth with prediction[ids + targets]
on the ids, 0 unless the merge has the ground truth's length; so unknown ids are ignored and a
repeated id can stand in for a missing one.
"""
import json
import sys

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score, r2_score


def metric_value(metric, gt, pred):
    try:
        if metric == "exact_match":
            return float(gt == pred)
        if metric == "allclose":
            return float(np.allclose(np.array(gt), np.array(pred)))
        if metric == "macro_f1":
            return float(f1_score(gt, pred, average="macro"))
        return float(np.clip(r2_score(gt, pred), 0, 1))
    except Exception:
        return 0.0


def score(job):
    ids, targets = job["ids"], job["targets"]
    try:
        truth = pd.read_csv(job["truth"])
        prediction = pd.read_csv(job["prediction"])
        if not all(c in prediction.columns for c in ids):
            return 0.0
        present = [t for t in targets if t in prediction.columns]
        merged = truth.merge(prediction[ids + present], on=ids, how="inner", suffixes=("_gt", "_pred"))
    except Exception:
        return None
    if len(merged) != len(truth):
        return 0.0
    per_target = [
        metric_value(job["metric"], merged[f"{t}_gt"].tolist(), merged[f"{t}_pred"].tolist()) if t in present else 0.0
        for t in targets
    ]
    return float(np.mean(per_target))


jobs = json.load(sys.stdin)
json.dump({job["key"]: score(job) for job in jobs}, sys.stdout)
