"""Decks from the chart registry: a page's section, or the board pack's sections, built for a viewer and scope
and written as PowerPoint with native charts (gpaccess.export.slides). The CLI, the pages' "Download slides"
and the board pack page all come through here."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed

import duckdb

from gpaccess.access import Viewer
from gpaccess.db import run
from gpaccess.export.sections import db_fetch, export_context, shared
from gpaccess.export.slides import Section, build_pack, classification
from gpaccess.registry import PAGES, ChartContext, Fetch, placed
from gpaccess.scope import NATIONAL, Scope
from gpaccess.summary import build_summary

__all__ = [
    "PACK_SECTIONS",
    "PACK_WORKERS",
    "Section",
    "board_pack",
    "build_pack",
    "build_sections",
    "classification",
]

# the board pack's sections: the programme update a board receives. Access, support identification and data
# quality are slides from their own pages (the support page's named list is never part of a circulated pack).
PACK_SECTIONS = ("overview", "phases", "uptake", "gains", "actions", "impact")
# sections built at once: on 2 cores, more only queue (bench/board_pack.py measures it)
PACK_WORKERS = 3
# sections that wait longest on DuckDB (matching panels, monthly series)
QUERY_HEAVY = ("impact", "overview", "access", "data")


def build_sections(
    fetch: Fetch,
    ctx: ChartContext,
    sections: Sequence[str] = PACK_SECTIONS,
    progress: Callable[[float, str], None] | None = None,
    workers: int = 1,
) -> list[Section]:
    """The charts of each chosen page, in the dashboard's order. With `workers` > 1 the sections are built
    on that many threads, so one section's queries run in DuckDB (which releases the GIL) while another's
    charts are built; each distinct query runs once either way."""
    chosen = [key for key in PAGES if key in sections]
    fetch = shared(fetch)

    def build(key: str) -> Section:
        return Section(PAGES[key].heading, placed(PAGES[key], fetch, ctx))

    built: dict[str, Section] = {}
    for key, section in _in_completion_order(build, chosen, workers):
        built[key] = section
        if progress:
            progress(len(built) / len(chosen), f"Built {section.heading}")
    return without_repeats([built[key] for key in chosen])


def _in_completion_order(
    build: Callable[[str], Section], keys: list[str], workers: int
) -> Iterator[tuple[str, Section]]:
    """Sections as they are finished; those waiting longest on DuckDB start first, so their queries run while
    the others build. One worker builds in the caller's thread (the app's cached queries need its context)."""
    started = sorted(keys, key=lambda key: key not in QUERY_HEAVY)
    if workers <= 1:
        yield from ((key, build(key)) for key in started)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(build, key): key for key in started}
        for future in as_completed(futures):
            yield futures[future], future.result()


def without_repeats(sections: list[Section]) -> list[Section]:
    """A chart two pages share (the face-to-face SPC on the overview and access pages) once, where it first
    appears."""
    seen: set[str] = set()
    kept = []
    for section in sections:
        items = [item for item in section.items if item.chart.key not in seen]
        seen |= {item.chart.key for item in items}
        kept.append(Section(section.heading, items))
    return kept


def board_pack(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    scope: Scope,
    sections: Sequence[str] = PACK_SECTIONS,
    choices: dict[str, object] | None = None,
    summary: bool = False,
) -> bytes:
    """A deck for a viewer and scope, as PPTX bytes: the board pack, or with `sections=[page]` that page's
    deck (`choices`: the page's own controls); with `summary`, the summary slide after the cover (the board
    pack's slide 2). The CLI and the benchmark call this."""
    ctx = export_context(con, viewer, scope, choices)
    synthetic = bool(run(con, "data_status", viewer, NATIONAL).iloc[0]["synthetic_demo"])
    built = build_sections(db_fetch(con, ctx), ctx, sections, workers=PACK_WORKERS)
    brief = build_summary(shared(db_fetch(con, ctx)), ctx) if summary else None
    return build_pack(built, ctx, synthetic=synthetic, summary=brief)
