"""Build the demo database from nothing, as a user's first run does.

    python bench/demo_build.py

Prints wall time, database size and the build's peak memory.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import run_child  # noqa: E402

BUILD_CHILD = """
import json, sys, time
from pathlib import Path
from gpaccess.demo_build import build_demo_database
start = time.perf_counter()
build_demo_database(Path(sys.argv[1]))
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        result, wall, peak_mb = run_child(BUILD_CHILD, str(db))
        print(
            f"demo build (generate + ingest)  {result['seconds']:6.1f} s  (process wall {wall:.1f} s)"
        )
        print(f"database size                   {db.stat().st_size / 1e6:6.1f} MB")
        print(f"peak memory                     {peak_mb:6.0f} MB")


if __name__ == "__main__":
    main()
