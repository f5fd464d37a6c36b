"""Per-page script-run time (Streamlit AppTest), cold and warm, for a database.

    python bench/pages.py [--db PATH] [--national-months N]

With no --db it builds the demo (and, with --national-months, a national-scale database holding that many
months of about a million crosstab rows each) in a temporary folder. Warm = the median of five reruns after the
first, i.e. with the app's query caches filled, as a board member clicking around sees it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PROJECT = Path(__file__).resolve().parent.parent
PAGES = [
    "overview",
    "phases",
    "uptake",
    "gains",
    "actions",
    "access",
    "support",
    "impact",
    "board_pack",
    "data",
]


def time_pages(db: Path) -> list[tuple[str, float, float]]:
    from streamlit.testing.v1 import AppTest

    os.environ["GPACCESS_DB"] = str(db)
    results = []
    for page in PAGES:
        at = AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=300)
        at.switch_page(f"pages/{page}.py")
        start = time.perf_counter()
        at.run()
        cold = time.perf_counter() - start
        if at.exception:
            raise SystemExit(f"{page}: {at.exception[0].value}")
        warm_runs = []
        for _ in range(5):
            start = time.perf_counter()
            at.run()
            warm_runs.append(time.perf_counter() - start)
        results.append((page, cold, statistics.median(warm_runs)))
    return results


def report(label: str, db: Path) -> None:
    print(f"\n{label}: {db.name} ({db.stat().st_size / 1e6:,.0f} MB)")
    print(f"{'page':<12} {'cold s':>8} {'warm s':>8}")
    for page, cold, warm in time_pages(db):
        print(f"{page:<12} {cold:8.2f} {warm:8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    parser.add_argument("--national-months", type=int, default=0)
    args = parser.parse_args()
    from gpaccess.demo_build import build_demo_database

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or build_demo_database(Path(tmp) / "demo.duckdb")
        report("demo", db)
        if args.national_months:
            national = Path(tmp) / "national.duckdb"
            build_demo_database(national, scale="national", months=args.national_months)
            report(f"national scale, {args.national_months} months", national)


if __name__ == "__main__":
    main()
