"""Time the impact page's queries (impact_panel, one per measure and programme), cold and warm, and the pure
calculation on their result.

    python bench/impact.py [--db PATH ...]

With no --db it uses the database the dashboard reads (GPACCESS_DB, else data/gpaccess.duckdb when it holds
data, else data/demo.duckdb). Warm = the median of five runs after the first on the same connection (DuckDB's
buffers filled; the app's own cache would make a warm page instant). The query reads practice_month (one row per
practice and month), list_size, enrolment and practice, whose sizes do not depend on the crosstab scale: a
national-scale build holds the same ~6,500 practice rows a month as the demo, so the demo's 66 months are the
harder case for this query.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def bench(db: Path) -> list[tuple[str, str, int, float, float, float]]:
    from gpaccess.access import PUBLIC
    from gpaccess.db import run
    from gpaccess.impact import MEASURES, estimate, event_study, query_params
    from gpaccess.scope import Scope
    from gpaccess.store import connect_read_only

    con = connect_read_only(db)
    out = []
    try:
        for programme in ("Accelerate", "GPIP"):
            scope = Scope(programme=programme)
            for measure in MEASURES:
                params = query_params(measure)
                start = time.perf_counter()
                panel = run(con, "impact_panel", PUBLIC, scope, **params)
                cold = time.perf_counter() - start
                warm = []
                for _ in range(5):
                    start = time.perf_counter()
                    panel = run(con, "impact_panel", PUBLIC, scope, **params)
                    warm.append(time.perf_counter() - start)
                start = time.perf_counter()
                estimate(panel, measure)
                event_study(panel)
                maths = time.perf_counter() - start
                out.append((programme, measure, len(panel), cold, statistics.median(warm), maths))
    finally:
        con.close()
    return out


def main() -> None:
    from gpaccess.store.which import reading_database

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, action="append")
    args = parser.parse_args()
    for db in args.db or [reading_database()]:
        months = _months(db)
        print(f"\n{db} ({db.stat().st_size / 1e6:,.0f} MB, {months})")
        print(
            f"{'programme':<11}{'measure':<14}{'rows':>8}{'cold s':>9}{'warm s':>9}{'maths s':>9}"
        )
        for programme, measure, rows, cold, warm, maths in bench(db):
            print(f"{programme:<11}{measure:<14}{rows:>8,}{cold:>9.2f}{warm:>9.2f}{maths:>9.2f}")


def _months(db: Path) -> str:
    from gpaccess.store import connect_read_only

    con = connect_read_only(db)
    try:
        first, last, rows = con.execute(
            "SELECT min(month), max(month), count(*) FROM practice_month"
        ).fetchone()
    finally:
        con.close()
    return f"practice_month {rows:,} rows, {first:%b %Y} to {last:%b %Y}"


if __name__ == "__main__":
    main()
