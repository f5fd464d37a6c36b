"""Warm time of every page query (p50 and p95 in ms), for England and one ICB, on one database.

    python bench/queries.py [--db PATH | --national-months N] [--icb QRV] [--runs 20] [--json OUT]

Which queries, with which parameters: exactly those the pages ask for. Every registry page's charts and the
Summary are built once per scope with a fetch that records each call (name, scope, extra parameters), and the
queries pages run themselves (headline tiles, coverage, the Data page's tables) are added from PAGE_QUERIES. Each
distinct call is then run through `gpaccess.db.run` once to warm up and `--runs` times timed, on one read-only
connection, as the app runs it (its cache of results aside). England is seen by a national viewer, the ICB by
its own ICB viewer (so the named support list runs too).

With no --db it builds the demo; with --national-months N, a national-scale database of N months (about 1.2
million crosstab rows a month), in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gpaccess.access import Viewer  # noqa: E402
from gpaccess.db import bound_scope, run  # noqa: E402
from gpaccess.registry import PAGES, ChartContext, placed  # noqa: E402
from gpaccess.scope import NATIONAL, Scope  # noqa: E402
from gpaccess.store import connect_read_only  # noqa: E402

# Queries the pages run themselves (not through the registry), with the scope they run for: "scope" = the page's
# scope, "national" = England whatever the filters.
PAGE_QUERIES = (
    ("data_status", "national"),
    ("geography", "national"),
    ("accelerate_headline", "scope"),
    ("gpip_headline", "scope"),
    ("support_now", "scope"),
    ("appointments_latest", "scope"),
    ("appointments_monthly", "scope"),
    ("programme_held", "scope"),
    ("practice_reconciliation", "scope"),
    ("access_counts_monthly", "scope"),
    ("programme_phases", "scope"),
    ("months_held", "national"),
    ("coverage_by_icb_month", "scope"),
    ("recording_quality_by_icb_month", "scope"),
    ("dropped_out_practices", "scope"),
)
# dropped_out_practices names practices: only an ICB's own viewer runs it
ICB_ONLY = {"dropped_out_practices"}

Call = tuple[str, Scope, tuple[tuple[str, object], ...]]


def recorded_calls(con, viewer: Viewer, scope: Scope) -> list[Call]:
    """Every query call the pages make for this viewer and scope, in the order first made."""
    from gpaccess.export.sections import db_fetch, export_context
    from gpaccess.summary import build_summary

    calls: dict[Call, None] = {}
    ctx: ChartContext = export_context(con, viewer, scope)
    inner = db_fetch(con, ctx)

    def recording(name: str, scope: Scope | None = None, **extra: object):
        chosen = scope or ctx.scope
        calls[(name, bound_scope(name, chosen), tuple(sorted(extra.items())))] = None
        return inner(name, scope, **extra)

    for name, which in PAGE_QUERIES:
        if name in ICB_ONLY and not viewer.may_see_practices_of(scope.icb):
            continue
        recording(name, NATIONAL if which == "national" else scope)
    build_summary(recording, ctx)
    for page in PAGES.values():
        placed(page, recording, ctx)
    return list(calls)


def time_call(con, viewer: Viewer, call: Call, runs: int) -> tuple[float, float]:
    """(p50, p95) in ms of `runs` warm runs of one call."""
    name, scope, extra = call
    run(con, name, viewer, scope, **dict(extra))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run(con, name, viewer, scope, **dict(extra))
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times), percentile(times, 95)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def describe(call: Call) -> str:
    _, scope, extra = call
    shown = [f"programme={scope.programme}"] if scope.programme != "All" else []
    shown += [f"{k}={v}" for k, v in extra if k in ("measure", "window_from", "phase", "month")]
    return " ".join(shown)


def bench(db: Path, icb: str, runs: int, say: Callable[[str], None] = print) -> list[dict]:
    con = connect_read_only(db)
    region = con.execute(
        "SELECT region_code FROM icb WHERE icb_code = $icb", {"icb": icb}
    ).fetchone()
    if region is None:
        raise SystemExit(f"No ICB {icb} in {db}")
    scopes = (
        ("England", Viewer("national"), NATIONAL),
        (icb, Viewer("icb", icb_code=icb), Scope(region=region[0], icb=icb)),
    )
    results = []
    say(f"{'query':<32} {'scope':<8} {'p50 ms':>8} {'p95 ms':>8}  parameters")
    for label, viewer, scope in scopes:
        for call in recorded_calls(con, viewer, scope):
            p50, p95 = time_call(con, viewer, call, runs)
            results.append(
                {
                    "query": call[0],
                    "scope": label,
                    "p50_ms": p50,
                    "p95_ms": p95,
                    "params": describe(call),
                }
            )
            say(f"{call[0]:<32} {label:<8} {p50:8.1f} {p95:8.1f}  {describe(call)}")
    con.close()
    worst = max(results, key=lambda r: r["p95_ms"])
    say(
        f"\n{len(results)} calls; worst p95 {worst['p95_ms']:.1f} ms ({worst['query']}, {worst['scope']})"
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--national-months", type=int, default=0)
    parser.add_argument("--icb", default="QRV")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or build(Path(tmp), args.national_months)
        print(f"{db} ({db.stat().st_size / 1e6:,.0f} MB), {args.runs} warm runs per call")
        results = bench(db, args.icb, args.runs)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")


def build(folder: Path, national_months: int) -> Path:
    from gpaccess.demo_build import build_demo_database

    if national_months:
        return build_demo_database(
            folder / "national.duckdb", scale="national", months=national_months
        )
    return build_demo_database(folder / "demo.duckdb")


if __name__ == "__main__":
    main()
