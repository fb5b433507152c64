# The scripted baseline agent's program: a default scikit-learn model on what the files show.
# TASK (defined above it) holds the mode ("if" | "mm" | "xf" | "cf"), the file names and the
# target names the question puts in backticks; it never sees the task's metadata.


def targets_in(train, val):
    named = [c for c in TASK["targets"] if c in train.columns and c not in val.columns]
    return named or [c for c in train.columns if c not in val.columns and c != "row_id"]


def default_model(train, val, targets, classification, ids):
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.multioutput import MultiOutputClassifier
    from sklearn.pipeline import Pipeline

    train = train.dropna(subset=targets).copy()
    for column in val.columns:
        if column in train.columns and pd.api.types.is_numeric_dtype(val[column]):
            # Noise rows make a numeric column text; a default parse turns them into NaN.
            train[column] = pd.to_numeric(train[column], errors="coerce")
    numeric, _ = tabular_features(train, val, targets)
    if not numeric:
        from sklearn.dummy import DummyClassifier, DummyRegressor

        model = DummyClassifier() if classification else DummyRegressor()
        model.fit(np.zeros((len(train), 1)), train[targets])
        save_predictions(ids, model.predict(np.zeros((len(val), 1))), targets)
        return
    if classification:
        model = LogisticRegression() if len(targets) == 1 else MultiOutputClassifier(LogisticRegression())
    else:
        model = LinearRegression()
    pipeline = Pipeline([("prep", preprocessor(numeric, [], imputer="mean")), ("model", model)])
    y = train[targets] if len(targets) > 1 else train[targets[0]]
    pipeline.fit(train[numeric], y)
    save_predictions(ids, pipeline.predict(val[numeric]), targets)


def run():
    train_file, val_file = TASK["train_file"], TASK["val_file"]
    stem, file_type = train_file.rsplit(".", 1)
    train = load_table(stem, file_type)
    val = load_table(val_file.rsplit(".", 1)[0], file_type)
    targets = targets_in(train, val)
    print(f"baseline: targets {targets}, {len(train)} training rows")
    if TASK["mode"] == "cf":
        # No features at all: the training mean of each target.
        texts = pd.read_csv(val_file, dtype=str, keep_default_na=False)
        means = [[train[t].mean() for t in targets]] * len(texts)
        save_predictions(texts, means, targets)
        return
    classification = TASK["family"] == "classification"
    if TASK["mode"] == "if" and "row_id" in train.columns:
        train = train.drop(columns=["row_id"])
    default_model(train, val, targets, classification, val[["row_id"]])


run()
