#!/usr/bin/env bash
# Harbor verifier of a dare-forge task: scores the agent's prediction.csv against the ground
# truth kept in this tests/ folder (never in environment/, which is all the agent sees) and
# writes reward.json {"reward", "score", "metric"} with the DARE-bench paper's reward.
# Paths can be moved for a local run: DARE_APP_DIR (default /app), DARE_LOG_DIR (default
# /logs/verifier), DARE_PYTHON (default python3).
set -u
TESTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
APP_DIR="${DARE_APP_DIR:-/app}"
LOG_DIR="${DARE_LOG_DIR:-/logs/verifier}"
PYTHON="${DARE_PYTHON:-python3}"
mkdir -p "$LOG_DIR"
if ! "$PYTHON" "$TESTS_DIR/dare_score.py" --spec "$TESTS_DIR/task.json" \
  --truth "$TESTS_DIR/ground_truth.csv" --prediction "$APP_DIR/prediction.csv" \
  --reward-out "$LOG_DIR/reward.json" --details-out "$LOG_DIR/details.json"; then
  # The scorer never fails on a prediction; this is a broken environment, which earns nothing.
  echo '{"reward": 0.0, "score": 0.0, "metric": "scorer_failed"}' > "$LOG_DIR/reward.json"
fi
