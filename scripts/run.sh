#!/usr/bin/env bash
# Run the dashboard on http://127.0.0.1:8501 . It shows the real data in data/gpaccess.duckdb once that holds any;
# until then the synthetic demo in data/demo.duckdb, which the first page view builds if it is missing (published
# formats, loaded through the same ingest as real files), showing its progress.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m streamlit run dashboard.py --server.address 127.0.0.1 --server.port "${PORT:-8501}" \
  --server.headless true --browser.gatherUsageStats false "$@"
