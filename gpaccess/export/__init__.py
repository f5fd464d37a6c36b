"""Exports: board packs as PowerPoint decks with native charts, chart images (PNG/SVG), chart data (CSV/XLSX).

`board_pack(con, viewer, scope, sections)` is what the CLI and the board pack page call; every query runs through
`gpaccess.db.run` for the viewer, so an export holds only what its viewer may see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed

import duckdb

from gpaccess.access import Viewer
from gpaccess.db import run
from gpaccess.export.sections import (
    PACK_SECTIONS,
    SECTIONS,
    ExportContext,
    Fetch,
    db_fetch,
    export_context,
    section_charts,
    shared,
)
from gpaccess.export.slides import Section, build_pack, classification
from gpaccess.scope import NATIONAL, Scope

# sections built at once: on 2 cores, more only queue (bench/board_pack.py measures it)
PACK_WORKERS = 3
# sections that wait longest on DuckDB (matching panels, monthly series)
QUERY_HEAVY = ("impact", "overview", "access", "data")

__all__ = [
    "PACK_SECTIONS",
    "SECTIONS",
    "ExportContext",
    "Section",
    "board_pack",
    "build_pack",
    "build_sections",
    "classification",
    "export_context",
]


def build_sections(
    fetch: Fetch,
    ctx: ExportContext,
    sections: Sequence[str] = PACK_SECTIONS,
    progress: Callable[[float, str], None] | None = None,
    workers: int = 1,
) -> list[Section]:
    """The charts of each chosen section, in the dashboard's order. With `workers` > 1 the sections are built
    on that many threads, so one section's queries run in DuckDB (which releases the GIL) while another's
    charts are drawn; each distinct query runs once either way."""
    chosen = [s for s in SECTIONS if s in sections]
    fetch = shared(fetch)

    def build(key: str) -> Section:
        return Section(SECTIONS[key][0], section_charts(key, fetch, ctx))

    built: dict[str, Section] = {}
    for key, section in _in_completion_order(build, chosen, workers):
        built[key] = section
        if progress:
            progress(len(built) / len(chosen), f"Built {section.heading}")
    return _without_repeats([built[key] for key in chosen])


def _in_completion_order(
    build: Callable[[str], Section], keys: list[str], workers: int
) -> Iterator[tuple[str, Section]]:
    """Sections as they are finished; those waiting longest on DuckDB start first, so their queries run while
    the others draw. One worker builds in the caller's thread (the app's cached queries need its context)."""
    started = sorted(keys, key=lambda key: key not in QUERY_HEAVY)
    if workers <= 1:
        yield from ((key, build(key)) for key in started)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(build, key): key for key in started}
        for future in as_completed(futures):
            yield futures[future], future.result()


def _without_repeats(sections: list[Section]) -> list[Section]:
    """A chart two pages share (the face-to-face SPC on the overview and access pages) once, where it first
    appears."""
    seen: set[str] = set()
    kept = []
    for section in sections:
        charts = [c for c in section.charts if c.key not in seen]
        seen |= {c.key for c in charts}
        kept.append(Section(section.heading, charts))
    return kept


def board_pack(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    scope: Scope,
    sections: Sequence[str] = PACK_SECTIONS,
) -> bytes:
    """The full board pack for a viewer and scope, as PPTX bytes (the CLI and the benchmark call this)."""
    ctx = export_context(con, viewer, scope)
    synthetic = bool(run(con, "data_status", viewer, NATIONAL).iloc[0]["synthetic_demo"])
    built = build_sections(db_fetch(con, ctx), ctx, sections, workers=PACK_WORKERS)
    return build_pack(built, ctx, synthetic=synthetic)
