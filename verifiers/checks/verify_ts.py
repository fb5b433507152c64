"""Time-series checks on one task: constant ground truth, naive and seasonal-naive baselines.

Job files: train.csv, ground_truth_v1.csv, ground_truth_v2.csv, ranges.py, verify_common.py,
checks_params.json ({"question": ..., "season_length": 7}).
Series are told apart by the ground_truth_v2 columns that are neither time nor target
(entities). Baselines are scored on ground_truth_v2 with clipped R2, the benchmark's metric.
"""

import sys

import verify_common as common


def ordered(frame, time_column, time_format):
    import pandas as pd

    moments = pd.to_datetime(frame[time_column].astype(str), format=time_format or None, errors="coerce")
    if moments.isnull().any():
        moments = pd.to_datetime(frame[time_column].astype(str), errors="coerce")
    key = moments if not moments.isnull().any() else frame[time_column].astype(str)
    return frame.assign(_order=key.values).sort_values("_order", kind="stable")


def baselines(history, horizon, season_length):
    values = [float(v) for v in history]
    if not values:
        return None, None
    period = max(1, min(season_length, len(values)))
    season = values[-period:]
    return [values[-1]] * horizon, [season[step % period] for step in range(horizon)]


def checks(params):
    import pandas as pd

    question = params["question"]
    targets = question["target"] if isinstance(question["target"], list) else [question["target"]]
    time_column = question["time_column"]
    read = lambda name: pd.read_csv(common.require(name), keep_default_na=False, na_values=[""])  # noqa: E731
    train, truth_v1, truth_v2 = read("train.csv"), read("ground_truth_v1.csv"), read("ground_truth_v2.csv")
    entities = [c for c in truth_v2.columns if c != time_column and c not in targets]
    results = {"rows_v1": len(truth_v1), "rows_v2": len(truth_v2), "entities": len(entities), "targets": {}}
    train = ordered(train, time_column, question.get("time_format"))
    truth = ordered(truth_v2, time_column, question.get("time_format"))
    for target in targets:
        values = pd.to_numeric(truth_v1[target], errors="coerce") if target in truth_v1 else pd.Series([], dtype=float)
        distinct = int(values.dropna().nunique())
        entry = {"distinct_values": distinct, "naive_r2": None, "seasonal_naive_r2": None}
        results["targets"][target] = entry
        if distinct <= 1 or target not in train.columns or target not in truth.columns:
            continue
        actual, naive, seasonal = [], [], []
        fallback = pd.to_numeric(train[target], errors="coerce").dropna()
        groups = truth.groupby(entities, sort=False, dropna=False) if entities else [((), truth)]
        for key, future in groups:
            history = train
            if entities:
                key = key if isinstance(key, tuple) else (key,)
                for column, value in zip(entities, key):
                    history = history[history[column].map(common.canonical) == common.canonical(value)]
            series = pd.to_numeric(history[target], errors="coerce").dropna()
            series = series if len(series) else fallback
            one, many = baselines(series, len(future), params["season_length"])
            if one is None:
                continue
            actual.extend(pd.to_numeric(future[target], errors="coerce").tolist())
            naive.extend(one)
            seasonal.extend(many)
        frame = pd.DataFrame({"actual": actual, "naive": naive, "seasonal": seasonal}).dropna()
        if len(frame) and frame["actual"].nunique() > 1:
            entry["naive_r2"] = common.clipped_r2(frame["actual"], frame["naive"])
            entry["seasonal_naive_r2"] = common.clipped_r2(frame["actual"], frame["seasonal"])
    return results


if __name__ == "__main__":
    common.run_main(checks)
    sys.exit(0)
