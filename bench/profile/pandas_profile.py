"""The pandas side of the profile bench: the same fields as profile.json, one process.

Usage: /usr/bin/python3 pandas_profile.py FILE...  -> JSON {wall_ms, max_rss_kb, tables}.
Wall time includes importing pandas, as our side's includes starting Node and DuckDB.
"""
import json
import resource
import sys
import time

started = time.perf_counter()
import pandas as pd  # noqa: E402

TOP = 10
tables = []
for path in sys.argv[1:]:
    # Like the benchmark: only the empty field is missing.
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
    described = frame.describe()  # count, mean, std, min, quartiles, max of numeric columns
    nulls = frame.isna().sum()
    distinct = frame.nunique()
    columns = []
    for name in frame.columns:
        top = frame[name].value_counts().head(TOP)
        column = {"name": str(name), "nulls": int(nulls[name]), "distinct": int(distinct[name]),
                  "top": [[str(k), int(v)] for k, v in top.items()]}
        if name in described.columns:
            column["stats"] = {k: float(v) for k, v in described[name].items()}
        elif frame[name].dtype == object:
            lengths = frame[name].str.len()
            column["avg_length"] = float(lengths.mean())
            column["min"], column["max"] = str(frame[name].dropna().min()), str(frame[name].dropna().max())
        columns.append(column)
    tables.append({"file": path, "rows": int(len(frame)), "columns": columns})
    del frame

wall_ms = round((time.perf_counter() - started) * 1000)
max_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"wall_ms": wall_ms, "max_rss_kb": max_rss_kb, "tables": len(tables),
                  "rows": sum(t["rows"] for t in tables)}))
