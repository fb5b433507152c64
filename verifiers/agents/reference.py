# The scripted reference agent's program. TASK, ranges.py and tables.py stand above it. TASK holds the task's mode
# ("if" | "mm" | "xf" | "cf"), its all_metadata.json question and, for IF, the source of
# verifiers/reference_solution.py; everything else is read from the work folder.
import types


def instruction_following(question):
    reference = types.ModuleType("reference_solution")
    exec(compile(TASK["reference_source"], "reference_solution.py", "exec"), reference.__dict__)
    file_type = question["save_file_type"]
    noisy = load_table("train_v1", file_type)
    if "row_id" in noisy.columns:
        noisy = noisy.sort_values("row_id", kind="stable").drop(columns=["row_id"]).reset_index(drop=True)
    kinds = question.get("column_type_inference") or {}
    mask = pd.Series(True, index=noisy.index)
    for column, allowed in (question.get("expected_ranges") or {}).items():
        if column in noisy.columns:
            mask &= keep_mask(noisy, column, allowed, str(kinds.get(column, "")).lower())
    clean = noisy[mask]
    print(f"range filter: kept {int(mask.sum())} of {len(noisy)} training rows")
    params = {key: question[key] for key in reference.REQUIRED_KEYS}
    if isinstance(params["target"], str):
        params["target"] = [params["target"]]
    if file_type == "csv":
        # Written and read back the way the task's clean file is, so the dtypes match it.
        clean.to_csv("train_v1_no_err.csv", index=False)
        train, val = reference.load_frames(params, ".")
    else:
        train = clean.reset_index(drop=True).copy()
        for column in train.columns:
            if str(kinds.get(column, "")).lower() == "numerical":
                train[column] = pd.to_numeric(train[column], errors="coerce")
        val = load_table("val_v1", file_type)
    reference.predict(params, train, val).to_csv("prediction.csv", index=False)
    print("saved prediction.csv")


def targets_of(question):
    target = question["target"]
    return [target] if isinstance(target, str) else list(target)


def modeling(question):
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
    from sklearn.pipeline import Pipeline

    file_type = question["save_file_type"]
    train, val = load_table("train_v2", file_type), load_table("val_v2", file_type)
    targets = targets_of(question)
    train = train.dropna(subset=targets)
    numeric, text = tabular_features(train, val, targets)
    classification = str(question["problem_type"]).lower() == "classification"
    model = (
        RandomForestClassifier(n_estimators=300, random_state=0, n_jobs=1)
        if classification
        else RandomForestRegressor(n_estimators=300, random_state=0, n_jobs=1)
    )
    pipeline = Pipeline([("prep", preprocessor(numeric, text)), ("model", model)])
    y = train[targets] if len(targets) > 1 else train[targets[0]]
    pipeline.fit(train[numeric + text], y)
    save_predictions(val[["row_id"]], pipeline.predict(val[numeric + text]), targets)


def time_values(frame, question):
    column = question["time_column"]
    parsed = pd.to_datetime(frame[column].astype(str), format=question.get("time_format") or None, errors="coerce")
    if parsed.isnull().all():
        parsed = pd.to_datetime(frame[column].astype(str), errors="coerce")
    return parsed.map(lambda t: t.value / 1e9 if pd.notnull(t) else float("nan"))


def exogenous_forecast(question):
    """Ridge over the exogenous features given at the future time points (trees cannot extrapolate)."""
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import Pipeline

    train = pd.read_csv("train.csv", keep_default_na=False, na_values=[""])
    val = pd.read_csv("val_v1.csv", keep_default_na=False, na_values=[""])
    targets = targets_of(question)
    train = train.dropna(subset=targets).copy()
    time_column = question["time_column"]
    numeric, text = tabular_features(train.drop(columns=[time_column]), val.drop(columns=[time_column]), targets)
    pipeline = Pipeline([("prep", preprocessor(numeric, text)), ("model", Ridge(alpha=1.0))])
    y = train[targets] if len(targets) > 1 else train[targets[0]]
    pipeline.fit(train[numeric + text], y)
    save_predictions(val[["row_id"]], pipeline.predict(val[numeric + text]), targets)


def calendar_forecast(question):
    """Per series: a linear trend over the latest third of its history, plus the seasonal mean residual."""
    import numpy as np

    train = pd.read_csv("train.csv", keep_default_na=False, na_values=[""])
    val = pd.read_csv("val_v2.csv", dtype=str, keep_default_na=False)
    targets = targets_of(question)
    time_column = question["time_column"]
    entities = [c for c in val.columns if c != time_column and c in train.columns]
    train["_t"] = time_values(train, question)
    val_t = time_values(val, question)
    keys_train = as_text(train, entities).agg("|".join, axis=1) if entities else pd.Series("", index=train.index)
    keys_val = val[entities].agg("|".join, axis=1) if entities else pd.Series("", index=val.index)
    predicted = np.zeros((len(val), len(targets)))
    for key in keys_val.unique():
        rows = (keys_val == key).to_numpy()
        history = train[(keys_train == key).to_numpy()].sort_values("_t")
        for index, target in enumerate(targets):
            series = history[["_t", target]].dropna()
            if len(series) == 0:
                series = train[["_t", target]].dropna()
            recent = series.tail(max(3, len(series) // 3))
            if len(recent) >= 3 and recent["_t"].nunique() > 1:
                slope, intercept = np.polyfit(recent["_t"], recent[target], 1)
                last_t = recent["_t"].iloc[-1]
                horizon = np.clip(val_t[rows].to_numpy() - last_t, 0, None)
                level = slope * last_t + intercept
                predicted[rows, index] = level + slope * horizon * 0.5
            else:
                predicted[rows, index] = series[target].iloc[-1] if len(series) else 0.0
    save_predictions(val[[c for c in val.columns]], predicted, targets)


question = TASK["question"]
{"if": instruction_following, "mm": modeling, "xf": exogenous_forecast, "cf": calendar_forecast}[TASK["mode"]](question)
