# Shared by the scripted agents' programs (inlined ahead of each one, so a job is one file).
# Loads published-layout tables from the job's work folder as the task's question says.
import os
import sqlite3

import numpy as np
import pandas as pd


def load_table(stem, file_type):
    """A csv, parquet or sqlite table; sqlite tables carrying row_id are joined on it."""
    path = f"{stem}.{file_type}"
    if file_type == "csv":
        return pd.read_csv(path, keep_default_na=False, na_values=[""])
    if file_type == "parquet":
        return pd.read_parquet(path).replace({None: np.nan})
    connection = sqlite3.connect(f"file:{os.path.abspath(path)}?mode=ro", uri=True)
    try:
        names = pd.read_sql_query("SELECT name FROM sqlite_master WHERE type='table'", connection)["name"].tolist()
        frames = [pd.read_sql_query(f'SELECT * FROM "{name.replace(chr(34), chr(34) * 2)}"', connection) for name in names]
    finally:
        connection.close()
    keyed = [frame for frame in frames if "row_id" in frame.columns]
    if len(frames) == 1 or not keyed:
        return frames[0].replace({None: np.nan})
    joined = keyed[0]
    for frame in keyed[1:]:
        joined = joined.merge(frame, on="row_id", how="inner")
    return joined.replace({None: np.nan})


def tabular_features(train, val, targets):
    """Columns both files share (no row_id, no target): numeric ones and few-valued text ones."""
    shared = [c for c in val.columns if c in train.columns and c != "row_id" and c not in targets]
    numeric = [c for c in shared if pd.api.types.is_numeric_dtype(train[c])]
    text = [c for c in shared if c not in numeric and train[c].nunique(dropna=True) <= 50]
    return numeric, text


def preprocessor(numeric, text, imputer="median", scale=True):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    parts = []
    if numeric:
        steps = [("impute", SimpleImputer(strategy=imputer))] + ([("scale", StandardScaler())] if scale else [])
        parts.append(("num", Pipeline(steps), numeric))
    if text:
        encoder = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
        parts.append(("cat", Pipeline([("impute", SimpleImputer(strategy="most_frequent")), ("onehot", encoder)]), text))
    return ColumnTransformer(parts)


def as_text(frame, columns):
    return frame[columns].astype(object).where(frame[columns].notnull(), None).astype(str)


def save_predictions(ids, predicted, targets, path="prediction.csv"):
    values = np.asarray(predicted)
    if values.ndim == 1:
        values = values.reshape(-1, 1)
    result = pd.DataFrame(values, columns=targets)
    for position, column in enumerate(ids.columns):
        result.insert(position, column, ids[column].values)
    result.to_csv(path, index=False)
    print(f"saved {path}: {len(result)} rows, columns {list(result.columns)}")
