"""Build the demo database from nothing, as a user's first run does.

    python bench/demo_build.py [--scale national] [--months N] [--keep PATH]

Prints wall time, database size and the build's peak memory (the child process's peak resident set: generating
the files and loading them through the ingest, whose DuckDB works within gpaccess.ingest.LOAD_MEMORY_LIMIT and
spills to the load's work folder). `--scale national`: about 1.2 million crosstab rows a month for every
practice in England (66 months unless --months); `--keep PATH` keeps the database built there.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import run_child  # noqa: E402

BUILD_CHILD = """
import json, sys, time
from pathlib import Path
from gpaccess.demo_build import build_demo_database
months = int(sys.argv[3]) or None
start = time.perf_counter()
build_demo_database(Path(sys.argv[1]), scale=sys.argv[2], months=months)
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("demo", "national"), default="demo")
    parser.add_argument("--months", type=int, default=0, help="only the last N months")
    parser.add_argument("--keep", type=Path, help="keep the database built at this path")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        result, wall, peak_mb = run_child(BUILD_CHILD, str(db), args.scale, str(args.months))
        months = f", last {args.months} months" if args.months else ""
        print(f"{args.scale} scale{months}")
        print(
            f"demo build (generate + ingest)  {result['seconds']:6.1f} s  (process wall {wall:.1f} s)"
        )
        print(f"database size                   {db.stat().st_size / 1e6:6.1f} MB")
        print(f"peak memory                     {peak_mb:6.0f} MB")
        if args.keep:
            shutil.move(db, args.keep)


if __name__ == "__main__":
    main()
