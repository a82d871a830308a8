#!/usr/bin/env bash
# The Python snippets' tests (snippets/python, FastAPI + pytest), the `python`
# step of `npm test`. Makes a virtualenv in .cache/python-venv from the pinned
# snippets/python/requirements.txt, reinstalling only when that file changes
# (a hash stamp in the venv), then runs pytest with a JUnit report that
# scripts/test-summary.ts counts. Without a Python 3.11+ (with venv) it prints
# how to get one and, outside CI, writes a report with one skipped test and
# exits 0; with CI=true it fails.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
requirements=snippets/python/requirements.txt
venv=.cache/python-venv
report=test-results/pytest.xml
python=${PYTHON:-python3}
mkdir -p test-results

skip() {
  echo "python-tests: $1" >&2
  echo '  Install Python 3.11 or newer with venv and pip: "sudo apt-get install python3 python3-venv"' >&2
  echo '  (Debian/Ubuntu), "brew install python@3.12" (macOS), or from https://www.python.org/downloads/;' >&2
  echo '  set PYTHON=/path/to/python3 to pick one.' >&2
  if [ "${CI:-}" = true ]; then
    echo 'python-tests: CI=true, so a missing Python is a failure, not a skip.' >&2
    exit 1
  fi
  local reason=${1//&/&amp;}
  reason=${reason//</&lt;}
  reason=${reason//\"/&quot;}
  cat >"$report" <<XML
<?xml version="1.0" encoding="utf-8"?>
<testsuites name="pytest" tests="1" failures="0" errors="0" skipped="1">
  <testsuite name="pytest" tests="1" failures="0" errors="0" skipped="1">
    <testcase classname="python-tests" name="snippets/python"><skipped message="$reason"/></testcase>
  </testsuite>
</testsuites>
XML
  echo "python-tests: skipped; wrote $report" >&2
  exit 0
}

command -v "$python" >/dev/null 2>&1 || skip "no $python on PATH"
version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) ||
  skip "$python is on PATH but does not run"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
  skip "$python is Python $version, older than 3.11"

stamp="$venv/requirements.sha256"
# The stamp names the interpreter too, so PYTHON=... or an upgraded Python
# rebuilds the venv instead of reusing one made by another interpreter.
want=$("$python" -c 'import hashlib, os, sys
digest = hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest()
print(digest, os.path.realpath(sys.executable), sys.version.split()[0])' "$requirements")
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "python-tests: installing $requirements into $venv" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv" 2>/dev/null || skip "$python cannot make a virtualenv (the venv module is missing)"
  # No retries by default: where an index is unreachable (a sandbox that
  # serves wheels from a local mirror), pip's five retries per package
  # spent three minutes before falling through to the mirror.
  PIP_RETRIES="${PIP_RETRIES:-0}" "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-virtualenv -r "$requirements"
  echo "$want" >"$stamp"
fi

export PYTHONDONTWRITEBYTECODE=1
exec "$venv/bin/python" -m pytest snippets/python -q --junitxml="$report" "$@"
