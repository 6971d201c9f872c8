#!/usr/bin/env bash
# The main job: installs what is missing, then benchmarks the default suite on the default devices
# and writes the results record and reports under reports/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec mcubench bench --json reports/out/results.json --report reports/out/ "$@"
