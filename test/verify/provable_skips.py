"""Runs the deviations verify_if.py skips as provably unchanged, to show they change nothing.

Usage: python3 provable_skips.py <task folder>...  (published DARE-bench task folders:
source/ and verify/all_metadata.json). Prints one JSON object: per task either
{"env": <status>} (its inputs cannot be read here, e.g. parquet without pyarrow) or, per
deviation verify_if.provably_unchanged names, {"provable": bool, "changed": fraction,
"error": detail | null} from actually running it against a baseline run.
"""

import json
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "verifiers")
sys.path[:0] = [ROOT, os.path.join(ROOT, "checks")]

import reference_solution as ref  # noqa: E402
import verify_if  # noqa: E402

DEVIATIONS = ("drop_missing_rows", "wrong_imputer", "other_random_state")


def task_outcomes(folder):
    metadata = os.path.join(folder, "verify", "all_metadata.json")
    params = ref.read_params(metadata)
    try:
        clean, val = ref.load_frames(params, os.path.join(folder, "source"))
    except ref.ReferenceError_ as error:
        return {"env": error.status}
    with open(metadata, encoding="utf-8") as handle:
        question = json.load(handle)["question"]
    regression = str(params["problem_type"]).lower() == "regression"
    baseline = ref.predict(params, clean, val)
    out = {}
    for name in DEVIATIONS:
        prepared = verify_if.deviation_inputs(name, params, question, clean, None)
        if prepared is None:
            continue
        changed_params, train, _patch = prepared
        try:
            other = ref.predict(changed_params, train, val)
            changed, error = verify_if.changed_fraction(regression, baseline, other), None
        except ref.ReferenceError_ as failure:
            changed, error = 1.0, failure.detail
        provable = verify_if.provably_unchanged(name, params, clean, val)
        out[name] = {"provable": provable, "changed": changed, "error": error}
    return out


def main(folders):
    warnings.filterwarnings("ignore")
    result = {os.path.basename(folder.rstrip("/")): task_outcomes(folder) for folder in folders}
    json.dump(result, sys.stdout, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
