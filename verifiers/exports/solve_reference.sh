#!/usr/bin/env bash
# Oracle for an instruction-following task: runs the DARE-bench reference solution (a fixed
# program, parameterised by params.json) on the clean training rows, as the ground truth was
# made. DARE_APP_DIR (default /app) and DARE_PYTHON (default python3) can be moved.
set -eu
SOLUTION_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
APP_DIR="${DARE_APP_DIR:-/app}"
PYTHON="${DARE_PYTHON:-python3}"
WORK="$(mktemp -d)"
"$PYTHON" "$SOLUTION_DIR/reference_solution.py" --params "$SOLUTION_DIR/params.json" \
  --data-dir "$SOLUTION_DIR/data" --output "$WORK/prediction.csv"
cp "$WORK/prediction.csv" "$APP_DIR/prediction.csv"
rm -rf "$WORK"
