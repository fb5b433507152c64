"""Counts CSV data records (header excluded, blank lines skipped) with Python's csv module.

Usage: /usr/bin/python3 count_records.py FILE...  -> one JSON object {file: count}.
An independent check of DuckDB's row counts.
"""
import csv
import json
import sys

counts = {}
for path in sys.argv[1:]:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = sum(1 for row in csv.reader(handle) if row)
    counts[path] = max(rows - 1, 0)
print(json.dumps(counts))
