"""IF checks on one task: prediction shape, range filter, and discrimination by deviations.

Job files: train_v1.F, train_v1_no_err.F, val_v1.F, ground_truth.csv, prediction.csv (the
reference output), reference_solution.py, ranges.py, verify_common.py, verify_reference.py,
checks_params.json ({"question": <all_metadata question>, "deviations": [...],
"reference_run": bool, "stop_after_caught": int | null}).
With reference_run the job runs the reference solution itself first (run two of the
determinism pair, verify_reference.py) and writes prediction.csv instead of receiving it;
with stop_after_caught the deviations stop once that many changed the output (the rest are
recorded "skipped"), skip_range_filter always running first. With "skip_unchanged" (the
shared plan sets it) a deviation that provably leaves the pipeline's inputs and fitted model
unchanged is recorded as not changing the output without being run (see
provably_unchanged): the outcome a run would record, one fit fewer.
A deviation reruns the fixed reference pipeline with one instruction broken; the output is
compared with the faithful run (exact for classification, numpy allclose for regression,
like the benchmark's IF metrics).
"""

import sys

import reference_solution as ref
from ranges import keep_mask
import verify_common as common
import verify_reference

ALTERNATE_IMPUTER = {"mean": "median", "median": "mean", "most_frequent": "mean"}
SEEDLESS_MODELS = ("GaussianNB", "LinearRegression")


def prediction_shape(question, val, truth):
    import pandas as pd

    predicted = pd.read_csv(common.require("prediction.csv"), keep_default_na=False, na_values=[""])
    targets = list(question["target"])
    problems = []
    if list(predicted.columns) != ["row_id"] + targets:
        problems.append(f"columns {list(predicted.columns)} are not {['row_id'] + targets}")
    expected_ids = [common.canonical(value) for value in val["row_id"]]
    for name, frame in (("prediction", predicted), ("ground_truth.csv", truth)):
        ids = [common.canonical(value) for value in frame["row_id"]] if "row_id" in frame else []
        if sorted(ids, key=str) != sorted(expected_ids, key=str) or len(set(ids)) != len(ids):
            problems.append(f"{name} row_ids differ from val_v1's {len(expected_ids)} row_ids")
    missing = int(predicted.isnull().to_numpy().sum())
    if missing:
        problems.append(f"{missing} missing prediction value(s)")
    return {
        "ok": not problems,
        "detail": "; ".join(problems) or f"{len(predicted)} rows, columns row_id + {targets}",
        "metrics": {"rows": len(predicted), "validation_rows": len(expected_ids), "missing_values": missing},
    }


def range_filter(question, noisy, clean):
    ranges = question.get("expected_ranges") or {}
    kinds = question.get("column_type_inference") or {}
    mask = None
    for column, allowed in ranges.items():
        if column not in noisy.columns:
            continue
        keep = keep_mask(noisy, column, allowed, str(kinds.get(column, "")).lower())
        mask = keep if mask is None else mask & keep
    filtered = noisy if mask is None else noisy[mask]
    columns = list(clean.columns)
    absent = [column for column in columns if column not in filtered.columns]
    if absent:
        return {"ok": False, "detail": f"train_v1 lacks columns {absent}", "metrics": {}}
    ours, theirs = common.canonical_frame(filtered[columns]), common.canonical_frame(clean)
    mismatched = sum(1 for a, b in zip(ours, theirs) if a != b) + abs(len(ours) - len(theirs))
    metrics = {
        "train_v1_rows": len(noisy),
        "no_err_rows": len(clean),
        "filtered_rows": len(ours),
        "noise_rows": len(noisy) - len(clean),
        "mismatched_rows": mismatched,
    }
    if mismatched:
        detail = f"filtering train_v1 by expected_ranges keeps {len(ours)} rows; {mismatched} differ from train_v1_no_err ({len(clean)} rows)"
        return {"ok": False, "detail": detail, "metrics": metrics}
    return {"ok": True, "detail": f"{len(noisy) - len(clean)} noise rows removed exactly", "metrics": metrics}


def without_scaling(build):
    def build_unscaled(params):
        transformer = build(params)
        for _, pipeline, _ in transformer.transformers:
            pipeline.steps = [step for step in pipeline.steps if step[0] != "scaler"]
        return transformer

    return build_unscaled


def _complete_numbers(frame, columns):
    """Every column has a numpy int/uint/float dtype and no missing value. Object columns are
    excluded (SimpleImputer converts them itself and strings such as "nan" become missing),
    and so are pandas' own dtypes (nullable integers and the like)."""
    import numpy as np

    for column in columns:
        values = frame[column]
        if not isinstance(values.dtype, np.dtype) or values.dtype.kind not in "iuf":
            return False
        if np.isnan(values.to_numpy(dtype=float)).any():
            return False
    return True


def _seed_unused(params):
    """The model ignores random_state: scikit-learn reads it only in the solvers named here,
    and the preprocessor's output is always dense (Ridge's "auto" never picks sag for it)."""
    model = ref.build_model(params)
    inner = getattr(model, "estimator", model)  # MultiOutputClassifier wraps its model
    kind = type(inner).__name__
    if kind == "LogisticRegression":
        return inner.solver not in ("sag", "saga", "liblinear")
    if kind == "Ridge":
        return inner.solver in ("auto", "cholesky", "svd", "lsqr", "sparse_cg", "lbfgs")
    if kind == "Lasso":
        return inner.selection == "cyclic"
    return False


def provably_unchanged(name, params, clean, val):
    """True when running deviation `name` would fit the very pipeline the baseline fitted, on
    the same frames, so its output is the baseline's and it changes 0 rows:
    - drop_missing_rows when no selected feature has a missing value in the training frame:
      pandas' dropna then returns a copy of the frame, and predict copies its columns anyway;
    - wrong_imputer between mean and median when every numerical feature is a complete
      number column in training and validation: the imputer's statistics fill nothing, and
      both strategies convert to the same float array;
    - other_random_state for a model that never reads its seed (_seed_unused)."""
    features = params["selected_features"]
    if name == "drop_missing_rows":
        return not clean[features].isnull().to_numpy().any()
    if name == "wrong_imputer":
        if params["imputer_type"] not in ("mean", "median"):
            return False
        numeric = ref.numeric_features(params)
        return _complete_numbers(clean, numeric) and _complete_numbers(val, numeric)
    if name == "other_random_state":
        return _seed_unused(params)
    return False


def deviation_inputs(name, params, question, clean, noisy):
    """(params, training frame, patch) for one deviation, or None when it does not apply."""
    import pandas as pd

    features = params["selected_features"]
    if name == "skip_range_filter":
        train = noisy.drop(columns=["row_id"], errors="ignore").copy()
        for column in features:
            if str(params["column_type_inference"][column]).lower() == "numerical":
                train[column] = pd.to_numeric(train[column], errors="coerce")
        return params, train, None
    if name == "drop_missing_rows":
        return params, clean.dropna(subset=features), None
    if name == "wrong_imputer":
        return dict(params, imputer_type=ALTERNATE_IMPUTER[params["imputer_type"]]), clean, None
    if name == "other_random_state":
        if params["model_type"] in SEEDLESS_MODELS:
            return None
        return dict(params, random_state=int(params["random_state"]) + 1), clean, None
    if name == "all_candidate_features":
        candidates = [c for c in clean.columns if c not in params["target"] and c != "row_id"]
        if set(candidates) == set(features):
            return None
        kinds = dict(question.get("column_type_inference") or {})
        for column in candidates:
            if str(kinds.get(column, "")).lower() not in ("numerical", "categorical"):
                numeric = pd.api.types.is_numeric_dtype(clean[column])
                kinds[column] = "numerical" if numeric else "categorical"
        return dict(params, selected_features=candidates, column_type_inference=kinds), clean, None
    if name == "no_scaling":
        return params, clean, without_scaling
    raise common.CheckInputError("invalid_params", f"unknown deviation {name!r}")


def changed_fraction(regression, baseline, other):
    import numpy as np

    if baseline.shape != other.shape or list(baseline.columns) != list(other.columns):
        return 1.0
    targets = [column for column in baseline.columns if column != "row_id"]
    if regression:
        a = baseline[targets].to_numpy(dtype=float)
        b = other[targets].to_numpy(dtype=float)
        rows = ~np.isclose(a, b).all(axis=1)
        # The benchmark scores regression IF with allclose over the whole file.
        return float(rows.mean()) if not np.allclose(a, b) else 0.0
    a = baseline[targets].astype(str).to_numpy()
    b = other[targets].astype(str).to_numpy()
    return float((a != b).any(axis=1).mean())


def deviation_order(names):
    """skip_range_filter first: its outcome can reject the task, so it always runs."""
    return sorted(names, key=lambda name: name != "skip_range_filter")


def discrimination(
    params, question, clean, noisy, val, names, budget, reference=None, stop_after=None, skip_unchanged=False
):
    """Per deviation: does the output change? `reference` is this job's own reference run
    (its output is the baseline); `stop_after` stops once that many deviations changed it;
    `skip_unchanged` records a provably unchanged deviation without running it."""
    regression = str(params["problem_type"]).lower() == "regression"
    fits = 0
    if reference is None:
        with common.run_budget(budget, "baseline run of the reference solution"):
            baseline = ref.predict(params, clean, val)
        fits += 1
    else:
        baseline = reference.predicted
    outcomes, caught = {}, 0
    # skip_range_filter first when stopping early: its outcome alone can reject the task.
    for name in deviation_order(names) if stop_after else names:
        prepared = deviation_inputs(name, params, question, clean, noisy)
        if prepared is None:
            outcomes[name] = {"applies": False, "changed_fraction": 0.0, "error": None}
            continue
        if skip_unchanged and provably_unchanged(name, params, clean, val):
            # Known without a fit, so recorded as a run even after an early stop.
            outcomes[name] = {"applies": True, "changed_fraction": 0.0, "error": None}
            continue
        if stop_after and caught >= stop_after and "skip_range_filter" in outcomes:
            outcomes[name] = {"applies": True, "changed_fraction": 0.0, "error": None, "skipped": True}
            continue
        changed_params, train, patch = prepared
        if name == "other_random_state" and reference is not None:
            # Same frame, same preprocessing, another model seed: reuse the reference run's
            # fitted transform instead of fitting it again (the seed never reaches it).
            patch = reference.replay
        original = ref.build_preprocessor
        if patch is not None:
            ref.build_preprocessor = patch(original)
        try:
            with common.run_budget(budget, f"deviation {name}"):
                fits += 1
                other = ref.predict(changed_params, train, val)
            outcomes[name] = {"applies": True, "changed_fraction": changed_fraction(regression, baseline, other), "error": None}
        except ref.ReferenceError_ as error:
            # A pipeline that no longer fits is an outcome a solver would notice too.
            outcomes[name] = {"applies": True, "changed_fraction": 1.0, "error": error.detail}
        finally:
            ref.build_preprocessor = original
        caught += outcomes[name]["changed_fraction"] > 0
    return outcomes, fits


def checks(params_file, params, clean, val, reference=None):
    import pandas as pd

    question = params_file["question"]
    noisy = common.load_table("train_v1", params["save_file_type"])
    if "row_id" in noisy.columns:
        noisy = noisy.sort_values("row_id", kind="stable").drop(columns=["row_id"]).reset_index(drop=True)
    truth = pd.read_csv(common.require("ground_truth.csv"), keep_default_na=False, na_values=[""])
    shape = prediction_shape(params, val, truth)
    filtered = range_filter(question, noisy, clean)
    outcomes, fits = discrimination(
        params,
        question,
        clean,
        noisy,
        val,
        params_file["deviations"],
        params_file.get("run_budget_s"),
        reference,
        params_file.get("stop_after_caught"),
        params_file.get("skip_unchanged", False),
    )
    # fits: the reference solution's model fits this job ran (its own reference run included).
    fits += reference is not None
    return {"prediction_shape": shape, "range_filter": filtered, "discrimination": outcomes, "fits": fits}


def main():
    import json

    def body(params_file):
        # reference_solution reads its parameters from a file: hand it the question object.
        with open(common.PARAMS_FILE + ".question", "w", encoding="utf-8") as handle:
            json.dump(params_file["question"], handle)
        if params_file.get("reference_run"):
            # Run two of the determinism pair happens here, before anything else is loaded.
            reference = verify_reference.run(common.PARAMS_FILE + ".question", params_file.get("run_budget_s"))
        else:
            reference = None
        try:
            if reference is not None:
                return checks(params_file, reference.params, reference.clean, reference.val, reference)
            params = ref.read_params(common.PARAMS_FILE + ".question")
            clean, val = ref.load_frames(params, ".")
            return checks(params_file, params, clean, val)
        except ref.ReferenceError_ as error:
            raise common.CheckInputError(error.status, error.detail)

    return common.run_main(body)


if __name__ == "__main__":
    sys.exit(main())
