"""Exports: board packs as PowerPoint decks with native charts, chart images (PNG/SVG), chart data (CSV/XLSX).

`board_pack(con, viewer, scope, sections)` is what the CLI and the board pack page call; every query runs through
`gpaccess.db.run` for the viewer, so an export holds only what its viewer may see.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import duckdb

from gpaccess.access import Viewer
from gpaccess.db import run
from gpaccess.export.sections import (
    SECTIONS,
    ExportContext,
    Fetch,
    db_fetch,
    export_context,
    prefetched,
    section_charts,
)
from gpaccess.export.slides import Section, build_pack, classification
from gpaccess.scope import NATIONAL, Scope

__all__ = [
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
    sections: Sequence[str] = tuple(SECTIONS),
    progress: Callable[[float, str], None] | None = None,
) -> list[Section]:
    """The charts of each chosen section, in the dashboard's order."""
    chosen = [s for s in SECTIONS if s in sections]
    built = {}
    # the appointment series is the slowest query: its section is built last, while the others draw
    for i, key in enumerate(sorted(chosen, key=lambda k: k == "overview")):
        heading = SECTIONS[key][0]
        if progress:
            progress(i / max(len(chosen), 1), f"Building {heading}")
        built[key] = Section(heading, section_charts(key, fetch, ctx))
    return [built[key] for key in chosen]


def board_pack(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    scope: Scope,
    sections: Sequence[str] = tuple(SECTIONS),
) -> bytes:
    """The full board pack for a viewer and scope, as PPTX bytes (the CLI and the benchmark call this)."""
    ctx = export_context(con, viewer, scope)
    synthetic = bool(run(con, "data_status", viewer, NATIONAL).iloc[0]["synthetic_demo"])
    with ThreadPoolExecutor(max_workers=3) as pool:
        fetch = prefetched(db_fetch(con, ctx), sections, pool)
        built = build_sections(fetch, ctx, sections)
    return build_pack(built, ctx, synthetic=synthetic)
