"""Inspect AI scorer for dare-forge tasks: `Task(dataset=json_dataset("dataset.jsonl"), scorer=dare_scorer())`.

Each Sample's `files` put the task's files in the sandbox's working folder; the agent saves
prediction.csv there. The scorer reads it from the sandbox and scores it against the Sample's
target (the ground-truth CSV, which the model is never shown) with the metric named in the
metadata. Score.value is the DARE-bench paper's reward; metadata carries the metric's score
and the reason of a 0. Needs pandas and numpy.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dare_score  # noqa: E402  (the one scoring core, copied beside this file)


def score_fields(metadata, target_text, prediction_text):
    """Score(value, answer, explanation, metadata) fields, without Inspect (tests call it)."""
    result = dare_score.score_text(metadata, target_text, prediction_text)
    explanation = f"{result['metric']} {result['score']:.6g}" + (f" ({result['reason']}: {result['detail']})" if result["reason"] else "")
    return {
        "value": float(result["reward"]),
        "answer": prediction_text,
        "explanation": explanation,
        "metadata": {"score": result["score"], "metric": result["metric"], "reason": result["reason"]},
    }


try:
    from inspect_ai.scorer import Score, mean, scorer
    from inspect_ai.util import sandbox
except ImportError:  # Inspect is not installed: score_fields still works
    scorer = None

if scorer is not None:

    @scorer(metrics=[mean()])
    def dare_scorer():
        async def score(state, target):
            try:
                text = await sandbox().read_file("prediction.csv")
            except FileNotFoundError:
                text = None
            return Score(**score_fields(state.metadata, target.text, text))

        return score
