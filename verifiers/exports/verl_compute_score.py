"""verl reward for dare-forge tasks: `custom_reward_function.path` = this file, name = compute_score.

The row's reward_model.ground_truth is JSON: the task's family, variant, metric, targets and
the ground-truth CSV (verl keeps it away from the policy). solution_str is the completion:
its last ```csv block (or the whole text when it is a CSV) is the prediction, see
dare_score.prediction_from. The reward is the DARE-bench paper's: 0 without a prediction, IF
1.1 on an exact match else 0.1, predictive tasks 0.1 + metric. Needs pandas and numpy.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dare_score  # noqa: E402  (the one scoring core, copied beside this file)


def compute_score(data_source, solution_str, ground_truth, extra_info=None):
    """-> {"score": reward, "metric_score": metric, "prediction_exists": 0 | 1}."""
    truth = json.loads(ground_truth)
    result = dare_score.score_text(truth, truth["truth_csv"], dare_score.prediction_from(solution_str))
    return {
        "score": float(result["reward"]),
        "metric_score": float(result["score"]),
        "prediction_exists": int(result["prediction_exists"]),
    }
