#!/usr/bin/env bash
# Runs the whole suite, then prints one plain closing line ("tests: N passed, N failed") that
# any CI log reader understands, and exits with vitest's own status.
set -uo pipefail
cd "$(dirname "$0")/.."
report=$(mktemp -t dare-forge-vitest-XXXXXX.json)
npx vitest run --reporter=default --reporter=json --outputFile="$report" "$@"
status=$?
node -e '
  const fs = require("node:fs");
  try {
    const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
  } catch {
    console.log("tests: 0 passed, 1 failed");
  }
' "$report"
rm -f "$report"
exit $status
