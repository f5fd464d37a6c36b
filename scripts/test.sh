#!/usr/bin/env bash
# The whole test suite: lint, format check, type check, then unit, integration, app and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export PATH="$PWD/.venv/bin:$PATH"
echo "== ruff check";  ruff check .
echo "== ruff format"; ruff format --check .
echo "== mypy";        mypy
echo "== pytest"
pytest -q -p no:cacheprovider "$@"
