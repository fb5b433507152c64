"""Canonical cells and the expected-range filter: one copy for the verifier and the agents.

The verify stage ships this file to its check jobs (verify_common and verify_if import it);
the scripted agents' programs are sent as one text, so pipeline/agents/scripted/task.ts puts
this file's text ahead of theirs. Standard library at import time; pandas inside keep_mask.
"""

import math


def canonical(value):
    """One spelling per value across csv text and typed sqlite cells (1, 1.0 and "1" agree)."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool):
        value = int(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return repr(number)


def keep_mask(frame, column, allowed, kind):
    """Rows whose `column` is missing or inside its expected range (numbers) or choices."""
    import pandas as pd

    values = frame[column]
    missing = values.isnull()
    if kind == "numerical" and isinstance(allowed, list) and len(allowed) == 2:
        numbers = pd.to_numeric(values, errors="coerce")
        return missing | ((numbers >= allowed[0]) & (numbers <= allowed[1])).fillna(False)
    choices = {canonical(choice) for choice in (allowed if isinstance(allowed, list) else [allowed])}
    return missing | values.map(lambda value: canonical(value) in choices)
