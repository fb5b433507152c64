#!/usr/bin/env bash
# Oracle for a predictive task (no reference program: the ground truth is the real values):
# writes the true values as the prediction, so the task's top reward (1.1) is reachable.
# DARE_APP_DIR (default /app) can be moved.
set -eu
SOLUTION_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
APP_DIR="${DARE_APP_DIR:-/app}"
cp "$SOLUTION_DIR/prediction.csv" "$APP_DIR/prediction.csv"
