#!/usr/bin/env bash
# Re-measure the default suite and rewrite the committed performance baseline that CI gates on.
# Run it when a change of the figures is intended, and commit the baseline with that change.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out="$(mktemp -d)"
python3 -m mcubench bench --json "$out/results.json" --no-progress
python3 -m mcubench check "$out/results.json" --baseline benchmarks/suites/default/perf-baseline.json \
    --update-baseline
