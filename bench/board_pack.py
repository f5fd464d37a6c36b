"""The England board pack as it was built before the chart registry and the concise pack (issues #12, #13) and
as `python -m gpaccess export` builds it now, interleaved in one run on the demo data:

- before: every chart of the six board pages (overview, phases, uptake, gains, actions, impact), each with its
  Plotly figure built (the export built them, and never showed them), a contents slide;
- now: `gpaccess.export.pack.make_deck`, the default charts (DEFAULT_PACK), the summary slide, native charts only.

    python bench/board_pack.py [--db PATH] [--region CODE] [--icb CODE] [--repeat N] [--workers N]

Prints each pack's time (best and median of --repeat runs), CPU, charts, slides and size, and now / before.
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
    make_deck,
)
from gpaccess.export.sections import db_fetch  # noqa: E402
from gpaccess.scope import NATIONAL, Scope  # noqa: E402
from gpaccess.store import connect_read_only  # noqa: E402
from gpaccess.store.which import reading_database  # noqa: E402

BEFORE_PAGES = (
    "overview",
    "phases",
    "uptake",
    "gains",
    "actions",
    "impact",
)  # the pack's sections then


def build_before(con, viewer, scope, workers: int) -> tuple[tuple[float, ...], bytes, int]:
    """The pack as before: (queries and charts, slides, total, CPU) seconds, the deck, the number of charts."""
    start, cpu = time.perf_counter(), time.process_time()
    ctx = export_context(con, viewer, scope)
    synthetic = bool(run(con, "data_status", viewer, NATIONAL).iloc[0]["synthetic_demo"])
    sections = build_sections(db_fetch(con, ctx), ctx, BEFORE_PAGES, workers=workers)
    for section in sections:
        for chart in section.charts:
            chart.figure  # noqa: B018 (built for its cost, as the export did)
    built = time.perf_counter()
    deck = build_pack(sections, ctx, synthetic=synthetic)
    done = time.perf_counter()
    charts = sum(len(s.charts) for s in sections)
    return (built - start, done - built, done - start, time.process_time() - cpu), deck, charts


def build_now(con, viewer, scope, workers: int) -> tuple[tuple[float, ...], bytes, int]:
    """The pack as `gpaccess export` builds it now (the steps are not timed apart: slides = 0)."""
    del workers  # make_deck uses PACK_WORKERS
    start, cpu = time.perf_counter(), time.process_time()
    deck = make_deck(con, viewer, scope).content
    done = time.perf_counter()
    slides = Presentation(io.BytesIO(deck)).slides
    charts = sum(1 for slide in slides for shape in slide.shapes if shape.has_chart)
    return (done - start, 0.0, done - start, time.process_time() - cpu), deck, charts


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
    runs: dict[str, list[tuple[float, ...]]] = {"before": [], "now": []}
    decks: dict[str, tuple[bytes, int]] = {}
    for _ in range(args.repeat):  # interleaved, so that both see the same machine
        for name, build in (("before", build_before), ("now", build_now)):
            times, deck, charts = build(con, viewer, scope, args.workers)
            runs[name].append(times)
            decks[name] = (deck, charts)
    label = export_context(con, viewer, scope).scope_label
    print(f"Board pack, {label}")
    for name, words in (
        ("before", "before: six pages' charts with Plotly figures"),
        ("now", "now: the default pack, native charts, summary"),
    ):
        deck, charts = decks[name]
        slides = len(Presentation(io.BytesIO(deck)).slides)
        best = min(runs[name], key=lambda t: t[2])
        print(f"  {words}: {charts} charts on {slides} slides, {len(deck) / 1024:,.0f} KB")
        print(f"    total              {best[2]:.2f} s (best of {args.repeat})")
        print(f"    median total       {statistics.median(t[2] for t in runs[name]):.2f} s")
        print(f"    CPU time           {best[3]:.2f} s (all threads)")
    ratio = min(t[2] for t in runs["now"]) / min(t[2] for t in runs["before"])
    print(f"  now / before: {ratio:.2f} of the time")


if __name__ == "__main__":
    main()
