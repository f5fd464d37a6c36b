#!/usr/bin/env bash
# The whole test suite: lint and format check, then unit, integration, app and browser tests with the type check
# beside them (its report printed after theirs; either failing fails the run).
#   scripts/test.sh            everything
#   scripts/test.sh --fast     the inner loop: lint, format, types, and the unit and integration tests that need
#                              no demo database (pytest -m "not slow and not app and not browser"; tests/conftest.py
#                              marks `slow` the tests that need the demo and `app` those in tests/app/)
# Further arguments go to pytest, e.g. `scripts/test.sh --fast tests/unit -k spc`; `-m "not slow" tests/app` runs
# the quick page tests.
# Tests run in parallel (pytest-xdist, one worker per CPU (the whole suite one more), at most 4;
# PYTEST_XDIST_AUTO_NUM_WORKERS=1 for one):
# a file's tests stay on one worker, so module fixtures (stores, servers) are built once, and the workers share
# one demo database; the browser tests on the shared demo server run on one worker (one server, one Chromium),
# and the longest files are handed out first (tests/scheduling.py).
set -euo pipefail
cd "$(dirname "$0")/.."
select=()
if [[ "${1:-}" == "--fast" ]]; then
  select=(-m "not slow and not app and not browser")
  shift
fi
bash scripts/setup.sh --test
export PATH="$PWD/.venv/bin:$PATH"
# Compiled modules cached in __pycache__ (git ignores them), pytest's rewritten test modules with them: with
# PYTHONDONTWRITEBYTECODE set (as on the project's machine) every xdist worker compiled every test module and
# the project again, and so did each server and command a test starts (collection 8 -> 4 CPU-s a worker).
unset PYTHONDONTWRITEBYTECODE
echo "== ruff check";  ruff check .
echo "== ruff format"; ruff format --check .
# mypy (16 s from cold, one core) runs beside pytest, its report printed after it: the test run needs both cores
# only once its workers are up
mypy_log=$(mktemp)
trap 'rm -f "$mypy_log"' EXIT
mypy > "$mypy_log" 2>&1 &
mypy_pid=$!
# The whole suite runs one worker more than the CPUs: the browser tests' worker spends much of its time waiting
# for a page to settle, which another worker's tests fill (--fast, all CPU, keeps one per CPU).
if [[ ${#select[@]} -eq 0 && -z "${PYTEST_XDIST_AUTO_NUM_WORKERS:-}" ]]; then
  export PYTEST_XDIST_AUTO_NUM_WORKERS=$(( $(nproc) + 1 ))
fi
echo "== pytest"
status=0
pytest -q -p no:cacheprovider -n auto --maxprocesses 4 --dist loadfile "${select[@]}" "$@" || status=$?
echo "== mypy"
mypy_status=0
wait "$mypy_pid" || mypy_status=$?
cat "$mypy_log"
if (( status == 0 && mypy_status != 0 )); then status=$mypy_status; fi
exit "$status"
