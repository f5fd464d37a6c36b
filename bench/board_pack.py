"""Build the board pack (its default charts: gpaccess.export.pack.DEFAULT_PACK) on the demo data, as
`python -m gpaccess export` does, with and without building each chart's Plotly figure (as before the chart
registry, and now), interleaved in one run.

    python bench/board_pack.py [--db PATH] [--region CODE] [--icb CODE] [--repeat N] [--workers N]

Prints the time of each step (queries and charts, slides) and in all, the slide count and the deck size.
The database defaults to the one the dashboard reads: $GPACCESS_DB, else data/gpaccess.duckdb when it holds data,
else data/demo.duckdb (build it with `gpaccess demo`).
The target is 5 seconds for the national pack on the demo data. Imports are not timed (a server has them loaded).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pptx import Presentation  # noqa: E402

from gpaccess.access import Viewer  # noqa: E402
from gpaccess.db import run  # noqa: E402
from gpaccess.export.pack import (  # noqa: E402
    PACK_WORKERS,
    build_pack,
    build_sections,
    export_context,
)
from gpaccess.export.sections import db_fetch  # noqa: E402
from gpaccess.scope import NATIONAL, Scope  # noqa: E402
from gpaccess.store import connect_read_only  # noqa: E402
from gpaccess.store.which import reading_database  # noqa: E402


def build_once(
    con, viewer, scope, workers: int, draw_figures: bool
) -> tuple[tuple[float, ...], bytes, int]:
    """One pack: (queries and charts, slides, total, CPU) seconds, the deck, the number of charts. With
    `draw_figures` every chart's Plotly figure is built too, as the export did before the chart registry
    (charts were built with their figures, which a deck of native charts never shows)."""
    start, cpu = time.perf_counter(), time.process_time()
    ctx = export_context(con, viewer, scope)
    synthetic = bool(run(con, "data_status", viewer, NATIONAL).iloc[0]["synthetic_demo"])
    sections = build_sections(db_fetch(con, ctx), ctx, workers=workers)
    if draw_figures:
        for section in sections:
            for chart in section.charts:
                chart.figure  # noqa: B018 (built for its cost)
    built = time.perf_counter()
    deck = build_pack(sections, ctx, synthetic=synthetic)
    done = time.perf_counter()
    charts = sum(len(s.charts) for s in sections)
    return (built - start, done - built, done - start, time.process_time() - cpu), deck, charts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db")
    parser.add_argument("--region")
    parser.add_argument("--icb")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=PACK_WORKERS, help="sections built at once")
    args = parser.parse_args()
    con = connect_read_only(reading_database(args.db))
    viewer, scope = Viewer(), Scope(region=args.region, icb=args.icb)
    runs: dict[bool, list[tuple[float, ...]]] = {True: [], False: []}
    for _ in range(args.repeat):  # interleaved, so that both see the same machine
        for draw in (True, False):
            times, deck, charts = build_once(con, viewer, scope, args.workers, draw)
            runs[draw].append(times)
    slides = len(Presentation(io.BytesIO(deck)).slides)
    label = export_context(con, viewer, scope).scope_label
    print(f"Board pack, {label}: {charts} charts on {slides} slides, {len(deck) / 1024:,.0f} KB")
    for draw, name in ((True, "with Plotly figures (before)"), (False, "native only (now)")):
        best = min(runs[draw], key=lambda t: t[2])
        print(f"  {name}")
        print(f"    queries and charts {best[0]:.2f} s")
        print(f"    slides             {best[1]:.2f} s")
        print(f"    total              {best[2]:.2f} s (best of {args.repeat})")
        print(f"    median total       {statistics.median(t[2] for t in runs[draw]):.2f} s")
        print(f"    CPU time           {best[3]:.2f} s (all threads)")
    ratio = min(t[2] for t in runs[False]) / min(t[2] for t in runs[True])
    print(f"  now / before: {ratio:.2f} of the time")


if __name__ == "__main__":
    main()
