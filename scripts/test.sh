#!/usr/bin/env bash
# The whole test suite, from a fresh clone: Node 24, dependencies, a browser,
# then `npm test` (type-checks, unit and snippet tests, the built site, e2e).
# Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
source scripts/ensure-browser.sh
start=$(date +%s)
npm test
echo "scripts/test.sh: all checks passed in $(( $(date +%s) - start )) s"
