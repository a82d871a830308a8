#!/usr/bin/env bash
# Builds the site and serves it on localhost, from a fresh clone.
# Usage: bash scripts/serve.sh [port]     (default 4321)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
port=${1:-4321}
npm run build
echo
echo "Serving the handbook at http://localhost:${port}${BASE_PATH:-/}  (Ctrl+C to stop)"
exec npx astro preview --port "$port"
