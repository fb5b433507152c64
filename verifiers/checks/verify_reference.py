"""A reference run inside a check job (the shared plan): run one of the determinism pair in
the MM job, run two in the IF job.

The job runs the reference solution from scratch first, exactly as reference_solution.py's
main does (read the parameters, load both files, fit, write prediction.csv and its status
file), before loading anything else; its output is then the faithful baseline the
deviations are compared with. The two runs are in different sandbox jobs (fresh processes),
or, with verify_checks.one_job, one after the other in one job (verify_task.py): each still
reads its parameters and files and fits from scratch.

The reference run's preprocessor is wrapped to keep copies of what it produced (the
transformed training and validation matrices): a deviation that trains on the same frame
with the same preprocessing parameters (only the model's seed differs) replays them instead
of fitting the ColumnTransformer again. Its outputs are the same arrays a fresh fit gives.
"""

import copy

import reference_solution as ref
import verify_common as common

OUTPUT = "prediction.csv"


def _copy(value):
    # order="K" keeps the memory layout: a layout change can move float results by an ulp.
    return value.copy(order="K") if hasattr(value, "flags") else copy.deepcopy(value)


class _Recording:
    """Delegates to the real preprocessor; remembers copies of its outputs."""

    def __init__(self, inner, store):
        self.inner, self.store = inner, store

    def fit(self, x, y=None, **fit_params):
        self.inner.fit(x, y, **fit_params)
        return self

    def fit_transform(self, x, y=None, **fit_params):
        out = self.inner.fit_transform(x, y, **fit_params)
        self.store["train"] = _copy(out)
        return out

    def transform(self, x):
        out = self.inner.transform(x)
        self.store["val"] = _copy(out)
        return out


class _Replay:
    """A preprocessor fitted already: hands back the recorded matrices."""

    def __init__(self, store):
        self.store = store

    def fit(self, x, y=None, **fit_params):
        return self

    def fit_transform(self, x, y=None, **fit_params):
        return _copy(self.store["train"])

    def transform(self, x):
        return _copy(self.store["val"])


class Reference:
    def __init__(self, params, clean, val, predicted, store):
        self.params, self.clean, self.val, self.predicted = params, clean, val, predicted
        self._store = store

    def replay(self, _original):
        """A build_preprocessor replacement (a deviation patch) replaying this run's transform."""
        store = self._store
        return lambda _params: _Replay(store)


def run(params_path, budget, record=True):
    """The reference run; on failure its status file is written and the job stops there.
    `record` keeps the preprocessor's outputs for deviations to replay."""
    store = {}
    try:
        with common.run_budget(budget, "reference run"):
            params = ref.read_params(params_path)
            clean, val = ref.load_frames(params, ".")
            original = ref.build_preprocessor
            if record:
                ref.build_preprocessor = lambda p: _Recording(original(p), store)
            try:
                predicted = ref.predict(params, clean, val)
            finally:
                ref.build_preprocessor = original
            predicted.to_csv(OUTPUT, index=False)
    except (ref.ReferenceError_, common.CheckInputError) as error:
        ref.write_status(OUTPUT, error.status, error.detail)
        raise common.CheckInputError("reference_failed", f"reference run: {error.status}: {error.detail}")
    ref.write_status(OUTPUT, "ok", None)
    return Reference(params, clean, val, predicted, store)
