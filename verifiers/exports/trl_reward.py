"""TRL GRPOTrainer reward for dare-forge tasks: `GRPOTrainer(reward_funcs=reward, ...)`.

TRL passes every dataset column besides `prompt` as a keyword list: this reads `family`,
`variant`, `metric`, `targets` and `ground_truth` (the truth CSV; the policy never sees it).
A completion (text, or chat messages) carries its prediction as its last ```csv block, see
dare_score.prediction_from. The reward is the DARE-bench paper's; None for a row that is not
a dare-forge task (no ground_truth), which TRL leaves out. Needs pandas and numpy.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import dare_score  # noqa: E402  (the one scoring core, copied beside this file)


def reward(prompts, completions, **columns):
    rewards = []
    for index, completion in enumerate(completions):
        truth = (columns.get("ground_truth") or [None] * len(completions))[index]
        if truth is None:
            rewards.append(None)
            continue
        spec = {key: columns[key][index] for key in ("family", "variant", "metric", "targets")}
        result = dare_score.score_text(spec, truth, dare_score.prediction_from(completion))
        rewards.append(float(result["reward"]))
    return rewards
