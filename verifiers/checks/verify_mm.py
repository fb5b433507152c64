"""MM checks on one task: is the target learnable, and is it leaked by a single column?

Job files: train_v2.F, val_v2.F, ground_truth.csv, reference_solution.py, ranges.py, verify_common.py,
verify_reference.py, checks_params.json ({"question": ..., "leak_score": 0.99,
"reference_run": bool, "run_budget_s": seconds}). With reference_run the job first runs the
reference solution (run one of the determinism pair; train_v1_no_err.F and val_v1.F shipped
too) and writes prediction.csv and its status file, then the checks within run_budget_s.
A default HistGradientBoosting model on every column is scored against a trivial baseline
(majority class / training mean) with the benchmark's MM metrics (macro-F1, clipped R2). When
the strong model is near perfect, each column alone is scored to find the one responsible.
"""

import sys

import verify_common as common


def encode(train, val, features):
    """Numbers stay numbers; anything else becomes codes over the values seen in either part."""
    import numpy as np
    import pandas as pd

    encoded = []
    for frame in (train, val):
        encoded.append(pd.DataFrame(index=frame.index))
    for column in features:
        if pd.api.types.is_numeric_dtype(train[column]) and pd.api.types.is_numeric_dtype(val[column]):
            for source, target in zip((train, val), encoded):
                target[column] = source[column].astype(float)
            continue
        labels = pd.concat([train[column], val[column]]).map(common.canonical)
        codes = {value: index for index, value in enumerate(sorted({v for v in labels if v is not None}))}
        for source, target in zip((train, val), encoded):
            target[column] = source[column].map(lambda v: codes.get(common.canonical(v), np.nan)).astype(float)
    return encoded


def score(classification, truth, predicted):
    from sklearn.metrics import f1_score

    if classification:
        return float(f1_score(truth, predicted, average="macro"))
    return common.clipped_r2(truth.astype(float), predicted)


def as_float32_with_missing(frame):
    """Trees work in float32 and refuse NaN here: values clip into its range (infinities
    included) and a missing value becomes the lowest float32, below every value."""
    import numpy as np

    limits = np.finfo(np.float32)
    return frame.clip(float(limits.min) / 2, float(limits.max)).fillna(float(limits.min))


def fit_predict(classification, x_train, y_train, x_val, single=False):
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    if single:
        model = DecisionTreeClassifier(random_state=0) if classification else DecisionTreeRegressor(random_state=0)
        x_train, x_val = as_float32_with_missing(x_train), as_float32_with_missing(x_val)
    else:
        model = HistGradientBoostingClassifier(random_state=0) if classification else HistGradientBoostingRegressor(random_state=0)
    model.fit(x_train, y_train)
    return model.predict(x_val)


def trivial(classification, y_train, rows):
    import numpy as np

    if classification:
        return np.array([y_train.value_counts().sort_index().idxmax()] * rows, dtype=object)
    return np.full(rows, float(y_train.astype(float).mean()))


def target_scores(classification, x_train, x_val, y_train, y_truth, leak_score):
    strong = score(classification, y_truth, fit_predict(classification, x_train, y_train, x_val))
    result = {
        "strong": strong,
        "trivial": score(classification, y_truth, trivial(classification, y_train, len(y_truth))),
        "leak_columns": [],
    }
    if strong >= leak_score:
        singles = []
        for column in x_train.columns:
            predicted = fit_predict(classification, x_train[[column]], y_train, x_val[[column]], single=True)
            singles.append((score(classification, y_truth, predicted), column))
        singles.sort(key=lambda item: (-item[0], item[1]))
        result["leak_columns"] = [[column, value] for value, column in singles[:3] if value >= leak_score]
        result["best_single_column_score"] = singles[0][0] if singles else 0.0
    return result


def exact_leaks(features, train, val, y_train, y_truth):
    """Features that are the target itself or a relabelling of it: a one-to-one map between
    their values and the target's over every training and validation row (missing included)."""
    import pandas as pd

    target = pd.concat([y_train.reset_index(drop=True), y_truth.reset_index(drop=True)]).map(common.canonical)
    if target.nunique(dropna=False) < 2:
        return []
    out = []
    for column in features:
        values = pd.concat([train[column].reset_index(drop=True), val[column].reset_index(drop=True)])
        pairs = pd.DataFrame({"f": values.map(common.canonical).astype(str).values, "t": target.astype(str).values})
        if pairs.groupby("f")["t"].nunique().max() == 1 and pairs.groupby("t")["f"].nunique().max() == 1:
            out.append(column)
    return out


def checks(params):
    import pandas as pd

    question = params["question"]
    targets = question["target"] if isinstance(question["target"], list) else [question["target"]]
    file_type = question["save_file_type"]
    classification = str(question["problem_type"]).lower() == "classification"
    sqlite = file_type == "sqlite"
    train = common.load_table("train_v2", file_type, "train_set" if sqlite else None)
    val = common.load_table("val_v2", file_type, "val_set" if sqlite else None)
    truth = pd.read_csv(common.require("ground_truth.csv"), keep_default_na=False, na_values=[""])
    absent = [t for t in targets if t not in train.columns or t not in truth.columns]
    if absent or "row_id" not in val.columns or "row_id" not in truth.columns:
        raise common.CheckInputError("missing_input", f"targets {absent} or row_id missing from train_v2/val_v2/ground_truth")
    features = [c for c in train.columns if c not in targets and c != "row_id" and c in val.columns]
    truth_by_id = truth.assign(_key=truth["row_id"].map(common.canonical)).set_index("_key")
    keys = val["row_id"].map(common.canonical)
    if not keys.isin(truth_by_id.index).all():
        raise common.CheckInputError("missing_input", "ground_truth.csv lacks some val_v2 row_ids")
    x_train, x_val = encode(train, val, features)
    per_target = {}
    for target in targets:
        labelled = train[target].notnull()
        y_train = train.loc[labelled, target]
        y_truth = truth_by_id.loc[keys, target].reset_index(drop=True)
        if classification:
            y_train, y_truth = y_train.map(common.canonical), y_truth.map(common.canonical)
        per_target[target] = target_scores(
            classification, x_train[labelled.values], x_val, y_train, y_truth, params["leak_score"]
        )
        per_target[target]["exact_leak_columns"] = exact_leaks(
            features, train.loc[labelled.values], val, y_train, y_truth
        )
    return {"metric": "macro_f1" if classification else "clipped_r2", "features": len(features), "targets": per_target}


def checks_after_reference(params):
    import json

    import verify_reference

    with open(common.PARAMS_FILE + ".question", "w", encoding="utf-8") as handle:
        json.dump(params["question"], handle)
    budget = params.get("run_budget_s")
    verify_reference.run(common.PARAMS_FILE + ".question", budget, record=False)
    # The job's limit holds both runs: the checks keep the single-run limit they had alone.
    with common.run_budget(budget, "MM checks"):
        return checks(params)


def main():
    return common.run_main(checks_after_reference if common.read_params().get("reference_run") else checks)


if __name__ == "__main__":
    sys.exit(main())
