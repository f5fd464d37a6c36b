#!/usr/bin/env bash
# Run the dashboard on http://127.0.0.1:8501 . With no database yet, the first page view builds the synthetic
# demo data (published formats, loaded through the same ingest as real files) and shows its progress.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m streamlit run dashboard.py --server.address 127.0.0.1 --server.port "${PORT:-8501}" \
  --server.headless true --browser.gatherUsageStats false "$@"
