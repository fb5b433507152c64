"""DARE-bench instruction-following (IF) reference solution, as a fixed program.

Reproduces the semantics of the published benchmark's reference pipeline
(Snowflake-Labs/dare-bench, scripts/reference_solution.py) without generating code:
every task-specific value (column names, model, imputer, seed, file format) is read
from a parameters JSON file at run time, never pasted into source.

Usage (all arguments optional; defaults suit a sandbox working directory):
    python3 reference_solution.py [--params params.json] [--data-dir .] [--output prediction.csv]

The parameters file is either a task's verify/all_metadata.json (its "question"
object is used) or that "question" object itself, possibly reduced to the keys in
REQUIRED_KEYS. A status file (reference_status.json, next to the output) records
{"status": "ok" | "env_missing_pyarrow" | "invalid_params" | "missing_input" |
"fit_failed", "detail": ...}; the exit code mirrors it (see EXIT_CODES).
"""

import argparse
import json
import os
import sqlite3
import sys

EXIT_CODES = {
    "ok": 0,
    "invalid_params": 2,
    "env_missing_pyarrow": 3,
    "missing_input": 4,
    "fit_failed": 5,
}
STATUS_FILE = "reference_status.json"
REQUIRED_KEYS = (
    "selected_features",
    "model_type",
    "column_type_inference",
    "target",
    "imputer_type",
    "problem_type",
    "random_state",
    "save_file_type",
)
CLASSIFIERS = ("LogisticRegression", "DecisionTreeClassifier", "GaussianNB", "LinearSVC", "MLPClassifier")
REGRESSORS = ("LinearRegression", "DecisionTreeRegressor", "Ridge", "Lasso", "MLPRegressor")
# Models the published pipeline wraps in MultiOutputClassifier when there are several targets.
WRAPPED_FOR_MULTI_TARGET = ("LogisticRegression", "GaussianNB", "LinearSVC")


class ReferenceError_(Exception):
    def __init__(self, status, detail):
        super().__init__(detail)
        self.status = status
        self.detail = detail


def read_params(path):
    try:
        with open(path, encoding="utf-8") as handle:
            raw = json.load(handle)
    except (OSError, ValueError) as error:
        raise ReferenceError_("invalid_params", f"cannot read parameters file {path!r}: {error}")
    question = raw.get("question", raw) if isinstance(raw, dict) else None
    if not isinstance(question, dict):
        raise ReferenceError_("invalid_params", f"{path!r} must hold a JSON object (all_metadata.json or its 'question')")
    missing = [key for key in REQUIRED_KEYS if key not in question]
    if missing:
        raise ReferenceError_("invalid_params", f"{path!r} lacks keys {missing}; pass the task's verify/all_metadata.json")
    params = {key: question[key] for key in REQUIRED_KEYS}
    if isinstance(params["target"], str):
        params["target"] = [params["target"]]
    problem = str(params["problem_type"]).lower()
    menu = CLASSIFIERS if problem == "classification" else REGRESSORS if problem == "regression" else None
    if menu is None:
        raise ReferenceError_("invalid_params", f"problem_type {params['problem_type']!r} is not classification or regression")
    if params["model_type"] not in menu:
        raise ReferenceError_("invalid_params", f"model_type {params['model_type']!r} is not one of {list(menu)} for {problem}")
    if params["save_file_type"] not in ("csv", "sqlite", "parquet"):
        raise ReferenceError_("invalid_params", f"save_file_type {params['save_file_type']!r} is not csv, sqlite or parquet")
    kinds = params["column_type_inference"]
    for column in params["selected_features"]:
        if str(kinds.get(column, "")).lower() not in ("numerical", "categorical"):
            raise ReferenceError_("invalid_params", f"column_type_inference[{column!r}] must be numerical or categorical")
    return params


def connect_read_only(path):
    from urllib.parse import quote

    return sqlite3.connect(f"file:{quote(os.path.abspath(path))}?mode=ro", uri=True)


def quote_identifier(name):
    return '"' + name.replace('"', '""') + '"'


def read_sqlite_table(pd, connection, table):
    return pd.read_sql_query(f"SELECT * FROM {quote_identifier(table)}", connection)


def load_joined_sqlite(pd, path):
    """Inner-join, in catalogue order, every table that carries row_id."""
    connection = connect_read_only(path)
    try:
        names = pd.read_sql_query("SELECT name FROM sqlite_master WHERE type='table'", connection)["name"].tolist()
        joined = None
        for table in names:
            frame = read_sqlite_table(pd, connection, table)
            if "row_id" not in frame.columns:
                continue
            joined = frame if joined is None else joined.merge(frame, on="row_id", how="inner")
    finally:
        connection.close()
    if joined is None:
        raise ReferenceError_("missing_input", f"{path!r} has no table with a row_id column")
    return joined


def require_file(data_dir, name):
    path = os.path.join(data_dir, name)
    if not os.path.isfile(path):
        raise ReferenceError_("missing_input", f"input file {name!r} is missing from {data_dir!r}")
    return path


def load_frames(params, data_dir):
    import numpy as np
    import pandas as pd

    file_type = params["save_file_type"]
    train_path = require_file(data_dir, f"train_v1_no_err.{file_type}")
    val_path = require_file(data_dir, f"val_v1.{file_type}")
    if file_type == "csv":
        # Only the empty string is a missing value in the benchmark's csv convention.
        train = pd.read_csv(train_path, keep_default_na=False, na_values=[""])
        val = pd.read_csv(val_path, keep_default_na=False, na_values=[""])
        return train, val
    if file_type == "sqlite":
        connection = connect_read_only(train_path)
        try:
            train = read_sqlite_table(pd, connection, "train_set")
        finally:
            connection.close()
        return train.replace({None: np.nan}), load_joined_sqlite(pd, val_path).replace({None: np.nan})
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ReferenceError_("env_missing_pyarrow", "parquet inputs need pyarrow, which this Python lacks")
    return (
        pd.read_parquet(train_path).replace({None: np.nan}),
        pd.read_parquet(val_path).replace({None: np.nan}),
    )


def build_model(params):
    from sklearn.linear_model import Lasso, LinearRegression, LogisticRegression, Ridge
    from sklearn.multioutput import MultiOutputClassifier
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.svm import LinearSVC
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    seed = params["random_state"]
    constructors = {
        "LogisticRegression": lambda: LogisticRegression(random_state=seed),
        "DecisionTreeClassifier": lambda: DecisionTreeClassifier(random_state=seed),
        "GaussianNB": lambda: GaussianNB(),
        "LinearSVC": lambda: LinearSVC(random_state=seed),
        "MLPClassifier": lambda: MLPClassifier(random_state=seed),
        "LinearRegression": lambda: LinearRegression(),
        "DecisionTreeRegressor": lambda: DecisionTreeRegressor(random_state=seed),
        "Ridge": lambda: Ridge(random_state=seed),
        "Lasso": lambda: Lasso(random_state=seed),
        "MLPRegressor": lambda: MLPRegressor(random_state=seed),
    }
    model = constructors[params["model_type"]]()
    is_classification = str(params["problem_type"]).lower() == "classification"
    if is_classification and len(params["target"]) > 1 and params["model_type"] in WRAPPED_FOR_MULTI_TARGET:
        model = MultiOutputClassifier(model)
    return model


def numeric_features(params):
    """The selected features the preprocessor imputes by imputer_type and scales."""
    kinds = params["column_type_inference"]
    return [column for column in params["selected_features"] if str(kinds[column]).lower() == "numerical"]


def build_preprocessor(params):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    kinds = params["column_type_inference"]
    numeric = numeric_features(params)
    categorical = [column for column in params["selected_features"] if str(kinds[column]).lower() == "categorical"]
    transformers = []
    if numeric:
        numeric_steps = [("imputer", SimpleImputer(strategy=params["imputer_type"])), ("scaler", StandardScaler())]
        transformers.append(("num", Pipeline(numeric_steps), numeric))
    if categorical:
        encoder = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
        categorical_steps = [("imputer", SimpleImputer(strategy="most_frequent")), ("onehot", encoder)]
        transformers.append(("cat", Pipeline(categorical_steps), categorical))
    return ColumnTransformer(transformers=transformers)


def predict(params, train, val):
    import pandas as pd
    from sklearn.pipeline import Pipeline

    features, targets = params["selected_features"], params["target"]
    for name, frame, columns in (("training", train, features + targets), ("validation", val, features + ["row_id"])):
        absent = [column for column in columns if column not in frame.columns]
        if absent:
            raise ReferenceError_("missing_input", f"{name} data lacks columns {absent}")
    x_train, y_train = train[features].copy(), train[targets].copy()
    if y_train.isnull().to_numpy().any():
        # Filter only when needed: indexing copies the frame and changes its memory layout,
        # which moves float results by an ulp against the published outputs.
        labelled = ~y_train.isnull().any(axis=1)
        x_train, y_train = x_train[labelled], y_train[labelled]
    pipeline = Pipeline([("preprocessor", build_preprocessor(params)), ("model", build_model(params))])
    try:
        pipeline.fit(x_train, y_train)
        predicted = pipeline.predict(val[features].copy())
    except Exception as error:  # the model's own message is the useful detail
        raise ReferenceError_("fit_failed", f"{type(error).__name__}: {error}")
    result = pd.DataFrame(predicted, columns=y_train.columns)
    result.insert(0, "row_id", val["row_id"].values)
    return result


def write_status(output, status, detail):
    folder = os.path.dirname(os.path.abspath(output))
    with open(os.path.join(folder, STATUS_FILE), "w", encoding="utf-8") as handle:
        json.dump({"status": status, "detail": detail}, handle, sort_keys=True)
        handle.write("\n")


def main(argv):
    parser = argparse.ArgumentParser(description="DARE-bench IF reference solution (fixed program).")
    parser.add_argument("--params", default="params.json", help="all_metadata.json or its question object")
    parser.add_argument("--data-dir", default=".", help="folder with train_v1_no_err.* and val_v1.*")
    parser.add_argument("--output", default="prediction.csv", help="where to write row_id + predictions")
    args = parser.parse_args(argv)
    try:
        params = read_params(args.params)
        train, val = load_frames(params, args.data_dir)
        predict(params, train, val).to_csv(args.output, index=False)
    except ReferenceError_ as error:
        write_status(args.output, error.status, error.detail)
        print(f"reference_solution: {error.status}: {error.detail}", file=sys.stderr)
        return EXIT_CODES[error.status]
    write_status(args.output, "ok", None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
