"""The board pack against python-pptx alone writing the same native charts (issue #19: within 2x), in one
process, interleaved so that both see the same machine:

- python-pptx alone: a new deck with as many slides as the pack, a title on each, and on each slide the native
  charts of the pack's slide (the same chart types, the same categories x series, made-up numbers; date
  categories where the pack's chart has a date axis) and its tables (the same rows x columns of short text),
  saved to bytes. No query and no gpaccess code;
- the pack: `gpaccess.export.pack.make_deck` as `python -m gpaccess export` calls it (the default charts), so its
  time includes its queries on the database (a pack must fetch its data: every query its charts declare is
  started at once and runs on one thread while the charts of those already back are built and their slides
  written), the charts built from them, the summary, every slide's text, formatting and speaker notes, and
  saving to bytes;
- the pack from its queries' results: `deck_from` as make_deck calls it, with the results of its queries held
  in memory (by `shared`, fetched on a first run): the charts and summary built from them and every slide
  written, all but DuckDB's part;
- its slides: the same deck written from the charts and summary already built (`build_pack`, as the Board pack
  page writes it from the charts its pages have cached): no query, no chart built;
- its queries: the distinct queries its charts and summary run (recorded on a first run; not the two that set up
  the scope's words), one after another through `gpaccess.db.run`: how much of the pack's time is DuckDB's.

    python bench/board_pack.py [--db PATH] [--region CODE] [--icb CODE] [--repeat N]

Prints each one's best and median time of --repeat runs (after one run of each not timed), and the pack's and its
slides' time over python-pptx alone's. Imports are not timed for either (a server has them loaded). The database defaults to the one the
dashboard reads: $GPACCESS_DB, else data/gpaccess.duckdb when it holds data, else data/demo.duckdb (build it with
`gpaccess demo`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from pptx import Presentation
from pptx.chart.axis import DateAxis
from pptx.chart.data import CategoryChartData
from pptx.util import Inches

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gpaccess.access import Viewer  # noqa: E402
from gpaccess.db import run  # noqa: E402
from gpaccess.export.pack import (  # noqa: E402
    PACK_WORKERS,
    build_pack,
    build_sections,
    deck_from,
    make_deck,
)
from gpaccess.export.sections import data_status, db_fetch, export_context, shared  # noqa: E402
from gpaccess.scope import Scope  # noqa: E402
from gpaccess.store import connect_read_only  # noqa: E402
from gpaccess.store.which import reading_database  # noqa: E402
from gpaccess.summary import build_summary  # noqa: E402

# what a slide holds: ("chart", chart type, categories, series, dates along the axis) or ("table", rows, columns)
Shape = tuple[object, ...]


def deck_shapes(deck: bytes) -> list[list[Shape]]:
    """Each slide's charts and tables, in the terms python-pptx alone writes them (read, not timed)."""
    slides = []
    for slide in Presentation(io.BytesIO(deck)).slides:
        found: list[Shape] = []
        for shape in slide.shapes:
            if shape.has_chart:
                chart = shape.chart
                series = sum(len(list(plot.series)) for plot in chart.plots)
                categories = len(chart.plots[0].categories)
                dated = isinstance(chart.category_axis, DateAxis)
                found.append(("chart", chart.chart_type, categories, series, dated))
            elif shape.has_table:
                found.append(("table", len(shape.table.rows), len(shape.table.columns)))
        slides.append(found)
    return slides


def python_pptx_alone(slides: list[list[Shape]]) -> bytes:
    """The same slides, charts and tables written with python-pptx directly."""
    numbers = random.Random(19)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    for number, shapes in enumerate(slides, start=1):
        slide = prs.slides.add_slide(prs.slide_layouts[5])
        slide.shapes.title.text = f"Slide {number}"
        width = Inches(12.3) // max(len(shapes), 1)
        for i, shape in enumerate(shapes):
            left, top, height = Inches(0.5) + i * width, Inches(1.75), Inches(4.65)
            if shape[0] == "table":
                rows, columns = shape[1], shape[2]
                table = slide.shapes.add_table(rows, columns, left, top, width, height).table
                for r in range(rows):
                    for c in range(columns):
                        table.cell(r, c).text = f"{numbers.random() * 100:.1f}"
                continue
            _, kind, categories, series, dated = shape
            data = CategoryChartData()
            first = dt.date(2021, 4, 1)
            data.categories = [
                first + dt.timedelta(days=31 * c) if dated else f"Category {c}"
                for c in range(categories)
            ]
            for s in range(series):
                data.add_series(f"Series {s}", [numbers.random() * 100 for _ in range(categories)])
            slide.shapes.add_chart(kind, left, top, width, height, data)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def timed(build: Callable[[], bytes]) -> tuple[float, bytes]:
    start = time.perf_counter()
    deck = build()
    return time.perf_counter() - start, deck


def describe(slides: list[list[Shape]], deck: bytes) -> str:
    kinds = Counter(str(s[1]).split(" ")[0] for shapes in slides for s in shapes if s[0] == "chart")
    tables = sum(s[0] == "table" for shapes in slides for s in shapes)
    charts = ", ".join(f"{n} {kind.lower()}" for kind, n in kinds.items())
    return f"{len(slides)} slides, {charts}, {tables} table(s), {len(deck) / 1024:,.0f} KB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db")
    parser.add_argument("--region")
    parser.add_argument("--icb")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    con = connect_read_only(reading_database(args.db))
    viewer, scope = Viewer(), Scope(region=args.region, icb=args.icb)
    queries: list[tuple[str, Scope, dict]] = []
    without_queries, slides = later_steps(con, viewer, scope, queries)
    builds: dict[str, Callable[[], bytes]] = {
        "alone": lambda: b"",
        "pack": lambda: make_deck(con, viewer, scope).content,
        "results": without_queries,
        "slides": slides,
        "queries": lambda: bytes(len([run(con, n, viewer, s, **x) for n, s, x in queries])),
    }
    pack = builds["pack"]()  # not timed: a first run (and the shape of the deck)
    shapes = deck_shapes(pack)
    builds["alone"] = lambda: python_pptx_alone(shapes)
    decks = {name: build() for name, build in builds.items()}
    times: dict[str, list[float]] = {name: [] for name in builds}
    for _ in range(args.repeat):
        for name, build in builds.items():
            seconds, decks[name] = timed(build)
            times[name].append(seconds)
    label = export_context(con, viewer, scope).scope_label
    print(f"Board pack, {label}: best and median of {args.repeat} runs; imports not timed")
    for name, words in (
        ("alone", "python-pptx alone (slides, titles, the same charts and tables, save)"),
        ("pack", "board pack, make_deck as `gpaccess export` (queries included, save)"),
        ("results", "the pack from its queries' results (charts, summary, slides built, save)"),
        ("slides", "its slides, from the charts and summary built (as the Board pack page)"),
        ("queries", f"its {len(queries)} queries, one after another"),
    ):
        print(f"  {words}")
        if name != "queries":
            print(f"    {describe(deck_shapes(decks[name]), decks[name])}")
        print(f"    {min(times[name]):.2f} s best, {statistics.median(times[name]):.2f} s median")
    for name in ("pack", "results", "slides", "queries"):
        best = min(times[name]) / min(times["alone"])
        median = statistics.median(times[name]) / statistics.median(times["alone"])
        print(f"  {name} / python-pptx alone: {best:.2f}x best, {median:.2f}x median")
    print("  (target: the pack at most 2x)")


def later_steps(
    con, viewer: Viewer, scope: Scope, queries: list
) -> tuple[Callable[[], bytes], Callable[[], bytes]]:
    """The pack without its queries (its charts, summary and slides made from the queries' results, which
    `shared` holds once fetched), and its slides alone (written from its charts and summary, built here);
    neither timed here. The distinct queries they ran are added to `queries`."""
    status = data_status(con, viewer)
    ctx = export_context(con, viewer, scope, status=status)
    to_database = db_fetch(con, ctx)

    def recorded(name: str, asked: Scope | None = None, **extra: object) -> pd.DataFrame:
        queries.append((name, asked or ctx.scope, extra))
        return to_database(name, asked, **extra)

    held = shared(recorded, ctx.scope)  # each query's result kept: asked again, a copy of it
    sections = build_sections(held, ctx, workers=PACK_WORKERS)
    summary = build_summary(held, ctx)
    synthetic = bool(status["synthetic_demo"])
    return (
        lambda: deck_from(held, ctx, synthetic).content,
        lambda: build_pack(sections, ctx, synthetic=synthetic, contents=False, summary=summary),
    )


if __name__ == "__main__":
    main()
