"""Warm-up for the sandbox worker: run the reference pipeline once before any fork."""

import io
import warnings


def warm_up():
    """Run the reference pipeline once on a toy table, in memory, before any fork.

    The first fit, csv read and sqlite query of a process pull in lazily imported modules
    and fill caches; paying that here once saves it in every job. Models take an int
    random_state and the toy data is fixed, so no state a job could observe changes.
    """
    import pandas as pd

    import reference_solution as reference

    text = "a,b,c,y,z\n1,x,2.5,p,1.0\n2,y,,q,2.0\n3,x,1.5,p,3.0\n4,,0.5,q,4.0\n5,y,3.5,p,5.0\n6,x,2.0,q,6.0\n"
    frame = pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])
    frame.insert(0, "row_id", range(len(frame)))
    connection = sqlite3_roundtrip(pd, frame)
    kinds = {"a": "numerical", "b": "categorical", "c": "numerical"}
    menu = [("classification", name, ["y"]) for name in reference.CLASSIFIERS]
    menu += [("regression", name, ["z"]) for name in reference.REGRESSORS]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for problem, model, target in menu:
            params = {
                "selected_features": ["a", "b", "c"],
                "column_type_inference": kinds,
                "target": target,
                "imputer_type": "mean",
                "problem_type": problem,
                "model_type": model,
                "random_state": 0,
            }
            reference.predict(params, connection, connection).to_csv(io.StringIO(), index=False)


def sqlite3_roundtrip(pd, frame):
    import sqlite3

    import numpy as np

    connection = sqlite3.connect(":memory:")
    try:
        frame.to_sql("t", connection, index=False)
        return pd.read_sql_query('SELECT * FROM "t"', connection).replace({None: np.nan})
    finally:
        connection.close()
