"""The one Python scoring core of dare-forge's training exports (Harbor, verl, TRL, Inspect AI).

It computes the same metrics as pipeline/score (the published DARE-bench evaluator's):
  exact_match  classification IF: every prediction equals the reference output (0/1)
  allclose     regression IF: np.allclose(truth, prediction) over every row (0/1)
  macro_f1     classification MM: macro-F1 over the sorted union of labels
  clipped_r2   regression MM and time series: min(1, max(0, R^2))
Rows are matched as the evaluator does: an inner join on the id columns (row_id; time-series
CF: every non-target column of the ground truth), 0 unless the join has the ground truth's
length. Several targets: the mean over targets. The paper's RL reward: 0 without a
prediction, IF 1.1 on an exact match else 0.1, predictive 0.1 + metric.

A prediction is hostile: capped in size and rows, a link or special file is never read, and
every failure is a 0 with a reason code, never an exception. Harbor's tests/test.sh runs:
    python3 dare_score.py --spec task.json --truth ground_truth.csv \
        --prediction /app/prediction.csv --reward-out /logs/verifier/reward.json
Needs only pandas and numpy.
"""

import argparse
import io
import json
import math
import os
import re
import stat
import sys

import numpy as np
import pandas as pd

MAX_PREDICTION_BYTES = 64 * 1024 * 1024
MAX_PREDICTION_ROWS = 2_000_000
IF_METRICS = ("exact_match", "allclose")


def metric_for(family, variant):
    if family == "classification":
        return "exact_match" if variant == "v1" else "macro_f1"
    if family == "regression":
        return "allclose" if variant == "v1" else "clipped_r2"
    return "clipped_r2"


def reward_for(metric, exists, score):
    if not exists:
        return 0.0
    if metric in IF_METRICS:
        return 1.1 if score == 1 else 0.1
    return 0.1 + score


class Zero(Exception):
    """A prediction problem: the target (or the whole task) scores 0 with this reason."""

    def __init__(self, reason, detail):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def read_prediction_file(path, max_bytes=MAX_PREDICTION_BYTES):
    """The file's text, or None when absent; a link, special file or oversized file is refused."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError as error:
        raise Zero("prediction_refused", f"{path}: {error.strerror} (a symbolic link or unreadable)")
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise Zero("prediction_refused", f"{path}: not a regular file")
        if info.st_size > max_bytes:
            raise Zero("prediction_too_large", f"{path}: {info.st_size} bytes, over the cap of {max_bytes}")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise Zero("prediction_too_large", f"{path}: over the cap of {max_bytes} bytes")
    return data.decode("utf-8", errors="replace")


def read_frame(text, max_rows=MAX_PREDICTION_ROWS):
    if not text.strip():
        raise Zero("empty_file", "the prediction has no header row")
    try:
        # round_trip: correctly rounded floats, as pipeline/score reads them (pandas' default
        # parser can land 1 ulp away on 17-digit values).
        frame = pd.read_csv(io.StringIO(text), nrows=max_rows + 1, float_precision="round_trip")
    except pd.errors.EmptyDataError:
        raise Zero("empty_file", "the prediction has no header row")
    except Exception as error:  # pandas' parser errors: a row with more fields than the header
        raise Zero("malformed_csv", str(error).splitlines()[0] if str(error) else type(error).__name__)
    if len(frame) > max_rows:
        raise Zero("too_many_rows", f"more than {max_rows} rows")
    return frame


def id_columns_for(truth, targets, family, variant):
    non_targets = [c for c in truth.columns if c not in targets]
    if family == "time_series_analysis" and variant == "v2":
        return non_targets
    return ["row_id"] if "row_id" in truth.columns else non_targets


def _is_numeric(series):
    return pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)


def align(truth, prediction, ids, targets):
    """The inner join on the ids, in ground-truth order; raises Zero unless it has truth's length."""
    absent = [c for c in ids if c not in prediction.columns]
    if absent:
        raise Zero("missing_id_columns", f"the prediction has no column {', '.join(absent)}")
    for column in ids:
        if _is_numeric(truth[column]) != _is_numeric(prediction[column]):
            raise Zero("id_type_mismatch", f"column {column} differs in type from the ground truth")
    kept = [t for t in targets if t in prediction.columns]
    right = prediction[ids + kept].rename(columns={t: f"__pred__{t}" for t in kept})
    left = truth[ids + targets].rename(columns={t: f"__true__{t}" for t in targets})
    joined = left.merge(right, on=ids, how="inner")
    if len(joined) != len(truth):
        reason = "duplicate_ids" if len(joined) > len(truth) else "row_count_mismatch"
        raise Zero(reason, f"the join on {', '.join(ids)} has {len(joined)} rows, the ground truth {len(truth)}")
    return joined


def _labels_ok(values):
    return all(isinstance(v, str) or (isinstance(v, (int, float)) and float(v).is_integer()) for v in values)


def macro_f1(truth_values, predicted_values):
    labels = {}
    for value in list(truth_values) + list(predicted_values):
        labels.setdefault(value, value)
    counts = {key: [0, 0, 0] for key in labels}  # hits, support, picked
    for t, p in zip(truth_values, predicted_values):
        counts[t][1] += 1
        counts[p][2] += 1
        if t == p:
            counts[t][0] += 1
    scores = []
    for label in sorted(labels.values(), key=lambda v: (isinstance(v, str), v)):
        hits, support, picked = counts[label]
        precision = 0.0 if picked == 0 else hits / picked
        recall = 0.0 if support == 0 else hits / support
        denominator = 1.0 if precision + recall == 0 else precision + recall
        scores.append((2 * precision * recall) / denominator)
    return float(np.sum(np.array(scores, dtype=np.float64)) / len(scores))


def r2(truth, predicted):
    truth = np.asarray(truth, dtype=np.float64)
    predicted = np.asarray(predicted, dtype=np.float64)
    mean = np.sum(truth) / len(truth)
    numerator = np.sum((truth - predicted) * (truth - predicted))
    denominator = np.sum((truth - mean) * (truth - mean))
    if numerator == 0:
        return 1.0
    if denominator == 0:
        return 0.0
    return float(1 - numerator / denominator)


def _python_values(series):
    return [None if (isinstance(v, float) and math.isnan(v)) else (v.item() if hasattr(v, "item") else v) for v in series]


def score_target(metric, truth_series, predicted_series):
    """(score, raw) for one target; raises Zero for what the evaluator meets as an error."""
    truth_values = _python_values(truth_series)
    predicted = _python_values(predicted_series)
    missing = sum(1 for v in predicted if v is None)
    if metric == "exact_match":
        same = all(
            t is not None and p is not None and isinstance(t, str) == isinstance(p, str) and t == p
            for t, p in zip(truth_values, predicted)
        )
        if same:
            return 1.0, None
        raise Zero("mismatch", "some predictions differ from the reference output")
    if metric == "macro_f1":
        if missing:
            raise Zero("missing_values", f"{missing} of {len(predicted)} predictions are empty or NA")
        if any(v is None for v in truth_values):
            raise Zero("missing_values", "the ground truth has NA labels")
        if _is_numeric(truth_series) != _is_numeric(predicted_series):
            raise Zero("label_type_mix", "text labels against numeric labels or the reverse")
        if not _labels_ok(truth_values + predicted):
            raise Zero("continuous_labels", "class labels must be whole numbers or text")
        return macro_f1(truth_values, predicted), None
    if not _is_numeric(predicted_series) or not _is_numeric(truth_series):
        raise Zero("non_numeric_values", "text in a numeric target")
    if missing or any(v is None for v in truth_values):
        raise Zero("missing_values", f"{missing} of {len(predicted)} predictions are empty or NA")
    t = [float(v) for v in truth_values]
    p = [float(v) for v in predicted]
    if metric == "allclose":
        if bool(np.allclose(np.array(t), np.array(p))):
            return 1.0, None
        raise Zero("not_close", "some predictions are not allclose (rtol 1e-5, atol 1e-8) to the reference")
    if any(not math.isfinite(v) for v in p):
        raise Zero("non_finite_values", "R^2 needs finite predictions")
    if len(p) < 2:
        raise Zero("too_few_rows", f"R^2 is undefined for {len(p)} row(s)")
    raw = r2(t, p)
    return min(1.0, max(0.0, raw)), raw


def _mean(values):
    return float(np.sum(np.array(values, dtype=np.float64)) / len(values))


def score_text(spec, truth_text, prediction_text, refused=None):
    """Scores a prediction (CSV text, or None for no file) against a variant's truth (CSV text).

    spec: {"family", "variant", "targets": [...], optional "metric"}. Returns
    {"score", "reward", "metric", "prediction_exists", "reason", "detail", "targets": [...]}.
    """
    family, variant = spec["family"], spec["variant"]
    metric = spec.get("metric") or metric_for(family, variant)
    targets = list(spec["targets"])
    result = {"metric": metric, "prediction_exists": prediction_text is not None or refused is not None}

    def finish(per_target, reason=None, detail=None):
        score = _mean([t["score"] for t in per_target])
        failed = next((t for t in per_target if t["reason"]), None)
        if reason is None and failed:
            reason, detail = failed["reason"], f"{failed['target']}: {failed['detail']}"
        exists = result["prediction_exists"]
        return {
            **result,
            "score": score,
            "reward": reward_for(metric, exists, score),
            "reason": reason,
            "detail": detail,
            "targets": per_target,
        }

    def all_zero(reason, detail):
        zeros = [{"target": t, "score": 0.0, "raw": None, "reason": reason, "detail": detail} for t in targets]
        return finish(zeros, reason, detail)

    if refused is not None:
        return all_zero(refused.reason, refused.detail)
    if prediction_text is None:
        return all_zero("missing_prediction", "no prediction file")
    try:
        truth = read_frame(truth_text)
        prediction = read_frame(prediction_text)
        ids = id_columns_for(truth, targets, family, variant)
        joined = align(truth, prediction, ids, targets)
    except Zero as zero:
        return all_zero(zero.reason, zero.detail)
    except Exception as error:  # a bug or a pandas corner: still a 0 with a reason
        return all_zero("scorer_error", f"{type(error).__name__}: {error}")
    per_target = []
    for target in targets:
        column = f"__pred__{target}"
        entry = {"target": target, "score": 0.0, "raw": None, "reason": None, "detail": None}
        if column not in joined.columns:
            entry.update(reason="missing_target_column", detail=f"the prediction has no column {target}")
        else:
            try:
                entry["score"], entry["raw"] = score_target(metric, joined[f"__true__{target}"], joined[column])
            except Zero as zero:
                entry.update(reason=zero.reason, detail=zero.detail)
            except Exception as error:
                entry.update(reason="scorer_error", detail=f"{type(error).__name__}: {error}")
        per_target.append(entry)
    return finish(per_target)


def score_file(spec, truth_path, prediction_path):
    with open(truth_path, encoding="utf-8") as handle:
        truth_text = handle.read()
    try:
        text = read_prediction_file(prediction_path, spec.get("max_prediction_bytes", MAX_PREDICTION_BYTES))
    except Zero as zero:
        # A refused file (a link, a special or oversized file) exists but is never read: 0.1.
        return score_text(spec, truth_text, None, refused=zero)
    return score_text(spec, truth_text, text)


# How a completion carries a prediction (verl, TRL, the reward server): the model's text, or
# in chat form its messages (the last assistant message counts). The prediction is the last
# fenced code block tagged csv in it, else the whole text when its first line is a CSV header;
# an empty completion is no prediction (reward 0). An agent loop that saved prediction.csv
# passes that file's text instead.

FENCE = re.compile(r"```csv[ \t]*\r?\n(.*?)```", re.DOTALL)
MAX_COMPLETION_CHARS = 16 * 1024 * 1024


def completion_text(completion):
    if completion is None:
        return ""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, dict):
        return str(completion.get("content") or "")
    if isinstance(completion, (list, tuple)):
        for message in reversed(completion):
            if isinstance(message, dict) and message.get("role", "assistant") == "assistant":
                return str(message.get("content") or "")
    return str(completion)


def prediction_from(completion):
    """The prediction CSV text in a completion, or None when it holds none."""
    text = completion_text(completion)[:MAX_COMPLETION_CHARS]
    blocks = FENCE.findall(text)
    if blocks:
        return blocks[-1]
    stripped = text.strip()
    if not stripped or "," not in stripped.splitlines()[0]:
        return None
    return stripped + "\n"


def main(argv):
    parser = argparse.ArgumentParser(description="Score a DARE-bench prediction (dare-forge exports).")
    parser.add_argument("--spec", required=True, help="task.json: family, variant, targets, metric")
    parser.add_argument("--truth", required=True, help="the variant's ground-truth CSV")
    parser.add_argument("--prediction", required=True, help="the agent's prediction.csv")
    parser.add_argument("--reward-out", required=True, help="where to write reward.json")
    parser.add_argument("--details-out", help="where to write the full result (reasons per target)")
    args = parser.parse_args(argv)
    with open(args.spec, encoding="utf-8") as handle:
        spec = json.load(handle)
    result = score_file(spec, args.truth, args.prediction)
    os.makedirs(os.path.dirname(os.path.abspath(args.reward_out)), exist_ok=True)
    with open(args.reward_out, "w", encoding="utf-8") as handle:
        json.dump({"reward": result["reward"], "score": result["score"], "metric": result["metric"]}, handle, sort_keys=True)
        handle.write("\n")
    if args.details_out:
        with open(args.details_out, "w", encoding="utf-8") as handle:
            json.dump(result, handle, sort_keys=True, indent=2)
            handle.write("\n")
    print(f"reward {result['reward']} score {result['score']} ({result['metric']}) {result['reason'] or ''}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
