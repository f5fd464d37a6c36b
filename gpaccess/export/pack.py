"""Decks from the chart registry: the board pack (a chosen list of charts, `DEFAULT_PACK` unless chosen), or a
page's section, built for a viewer and scope and written as PowerPoint with native charts
(gpaccess.export.slides). The CLI, the pages' "Download slides" and the board pack page all come through here."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb

from gpaccess.access import Viewer
from gpaccess.charts import Chart
from gpaccess.charts.appointments import short_variation
from gpaccess.export.sections import (
    db_fetch,
    shared,
    status_and_context,
)
from gpaccess.export.slides import Section, build_pack, classification
from gpaccess.labels import CHART_NAMES
from gpaccess.registry import ENTRIES, PAGES, ChartContext, Fetch, Placed, Read
from gpaccess.registry.programme import spc_trend
from gpaccess.scope import Scope
from gpaccess.summary import Trend, build_summary, summary_reads

__all__ = [
    "DEFAULT_PACK",
    "PACK_CHOICES",
    "PACK_WORKERS",
    "Deck",
    "Section",
    "board_pack",
    "build_pack",
    "build_sections",
    "chart_label",
    "classification",
    "deck_file_name",
    "deck_from",
    "make_deck",
    "pack_sections",
    "unknown_charts",
]

# the board pack by default (registry entry keys): cover, the summary, then the programme charts that matter
# (support over time, when each phase ran, uptake, productivity gains, impact for each programme), the access
# outcomes on one slide and the reach of support as counts. At most 15 slides for England, a region or an ICB
# on the demo data (tests/integration/test_board_pack.py).
DEFAULT_PACK = (
    "supported_over_time",
    "phase_timeline",
    "uptake_share",
    "gains_by_phase",
    "spc_face_to_face_pct",
    "spc_dna_pct",
    "spc_same_day_pct",
    "spc_appointments_per_1000",
    "spc_within_2_weeks_pct",
    "support_reach",
    "impact_before_after",
)
# never in a board pack: the support page's named list of practices (a pack is circulated)
NOT_IN_PACK = frozenset({"support_list"})
# every chart a pack may hold, in the dashboard's order
PACK_CHOICES = tuple(key for key in ENTRIES if key not in NOT_IN_PACK)
# the access outcomes: when two or more are chosen, one slide of small multiples (two by two; three by two for
# five, as in the default pack with booked within 2 weeks)
SMALL_MULTIPLES = frozenset(
    {
        "spc_face_to_face_pct",
        "spc_dna_pct",
        "spc_same_day_pct",
        "spc_appointments_per_1000",
        "spc_within_2_weeks_pct",
    }
)
# threads that run a deck's declared queries (`Entry.reads`), all started when it starts, in the order it needs
# them, while the charts of those already back are built and their slides written in the caller's thread: one,
# so that DuckDB has one core and Python the other (on 2 cores, more threads only take the GIL from the caller:
# bench/board_pack.py measures it)
PACK_WORKERS = 1
PACK_PREFIX = "board-pack"
FILE_WORDS_LIMIT = 60  # characters of the scope's words in a file name


def chart_label(key: str) -> str:
    """A chart as the board pack page lists it: its page, its heading, and what tells it apart there."""
    page = next(page for page in PAGES.values() if any(e.key == key for e in page.entries))
    name = CHART_NAMES.get(key)
    return f"{page.heading} · {ENTRIES[key].group}" + (f": {name}" if name else "")


def unknown_charts(keys: Sequence[str]) -> list[str]:
    """The keys that are not charts a pack may hold."""
    return [key for key in keys if key not in PACK_CHOICES]


def chosen_by_page(charts: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The chosen entries of each page that has any, pages and entries in the dashboard's order."""
    chosen = set(charts)
    by_page = {
        page.key: tuple(e.key for e in page.entries if e.key in chosen) for page in PAGES.values()
    }
    return {page: keys for page, keys in by_page.items() if keys}


def _access_title(charts: Sequence[Chart]) -> str:
    """The small multiples' title: each measure's verdict in its newest month."""
    verdicts = [
        f"{CHART_NAMES.get(chart.key, chart.key)} {short_variation(chart.spc, side=False)}"
        for chart in charts
        if chart.spc is not None
    ]
    newest = max((c.spc.latest_date for c in charts if c.spc is not None), default=None)
    when = f" in {newest:%b %Y}" if newest else ""
    return f"Access{when}: " + ", ".join(verdicts)


def pack_sections(placed_by_page: Mapping[str, Sequence[Placed]]) -> list[Section]:
    """The board pack's sections from each page's chosen charts (built): in the dashboard's order, a chart
    two pages share once, the access outcomes together on one slide."""
    return list(
        _in_pack_order((key, placed_by_page[key]) for key in PAGES if key in placed_by_page)
    )


def _in_pack_order(pages: Iterable[tuple[str, Sequence[Placed]]]) -> Iterator[Section]:
    """Each page's section as it comes (pages in the dashboard's order): the access outcomes together, a
    chart an earlier page showed left out."""
    seen: set[str] = set()
    for key, placed in pages:
        items = list(placed)
        together = [item.chart for item in items if item.chart.key in SMALL_MULTIPLES]
        section = Section(
            PAGES[key].heading, items, frozenset(c.key for c in together), _access_title(together)
        )
        yield _unseen(section, seen)


def _placed_entries(
    page: str, keys: Sequence[str], fetch: Fetch, ctx: ChartContext
) -> list[Placed]:
    chosen = [e for e in PAGES[page].entries if e.key in keys]
    return [
        Placed(chart, entry.slide)
        for entry in chosen
        for chart in entry.charts(fetch, ctx)
        if not chart.data.empty
    ]


def build_sections(
    fetch: Fetch,
    ctx: ChartContext,
    sections: Sequence[str] | None = None,
    progress: Callable[[float, str], None] | None = None,
    workers: int = 0,
    charts: Sequence[str] = DEFAULT_PACK,
) -> list[Section]:
    """The chosen charts (or with `sections`, every chart of those pages), in the dashboard's order. With
    `workers` their queries are started at once on that many threads (`prefetched`); the charts are built
    in the caller's thread (the app's cached queries need its context). Each distinct query runs once."""
    wanted = _wanted(sections, charts)
    fetch = shared(fetch, ctx.scope)
    built = []
    with prefetched(fetch, chart_reads(wanted, ctx), workers):
        for done, (key, placed) in enumerate(_built_pages(fetch, ctx, wanted), start=1):
            built.append((key, placed))
            if progress:
                progress(done / len(wanted), f"Built {PAGES[key].heading}")
    return list(_as_sections(built, pack=sections is None))


def _wanted(sections: Sequence[str] | None, charts: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Page -> the entries to build: every entry of the chosen `sections`, else the chosen `charts`."""
    if sections is not None:
        return {key: tuple(e.key for e in PAGES[key].entries) for key in PAGES if key in sections}
    return chosen_by_page(charts)


def chart_reads(wanted: Mapping[str, Sequence[str]], ctx: ChartContext) -> list[Read]:
    """The declared queries of the wanted charts, in the order they are built."""
    return [
        read
        for keys in wanted.values()
        for key in keys
        for read in ENTRIES[key].planned_reads(ctx) or []
    ]


@contextmanager
def prefetched(fetch: Fetch, reads: Sequence[Read], workers: int) -> Iterator[None]:
    """`reads` started through `fetch` (a `shared` one, which holds each result for whoever asks for it next)
    on `workers` threads, in order, while the caller goes on; left when all have finished (when the caller
    fails, those not started are dropped). With none, nothing is started: each query runs when asked for. A
    query's error reaches the caller that asks for it."""
    if workers < 1 or not reads:
        yield
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for read in dict.fromkeys(reads):
            pool.submit(read.fetched, fetch)
        try:
            yield
        except BaseException:  # the deck failed: the queries not yet started are not run
            pool.shutdown(cancel_futures=True)
            raise


def _built_pages(
    fetch: Fetch, ctx: ChartContext, wanted: Mapping[str, Sequence[str]]
) -> Iterator[tuple[str, list[Placed]]]:
    """(page, its charts) in the dashboard's order, each built when it is asked for."""
    return ((key, _placed_entries(key, wanted[key], fetch, ctx)) for key in wanted)


def _as_sections(pages: Iterable[tuple[str, Sequence[Placed]]], pack: bool) -> Iterator[Section]:
    """The board pack's sections (`_in_pack_order`), or each page's charts as they are, a chart an earlier
    page showed left out."""
    if pack:
        yield from _in_pack_order(pages)
        return
    seen: set[str] = set()
    for key, placed in pages:
        yield _unseen(Section(PAGES[key].heading, placed), seen)


def _kept(sections: Iterable[Section], into: list[Section]) -> Iterator[Section]:
    """`sections` as they come, each also added to `into`."""
    for section in sections:
        into.append(section)
        yield section


def _unseen(section: Section, seen: set[str]) -> Section:
    """The section without the charts of earlier sections (`seen`, which gains this one's): a chart two
    pages share (the face-to-face SPC on the overview and access pages) is shown where it first appears."""
    items = [item for item in section.items if item.chart.key not in seen]
    seen |= {item.chart.key for item in items}
    return Section(section.heading, items, section.together, section.together_title)


def file_words(text: str) -> str:
    """Words safe in a file name: ASCII letters and digits joined by hyphens ('NHS North West London ICB' ->
    'North-West-London-ICB'); nothing else survives, so no name can reach another folder."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", ascii_text)
    if words[:1] == ["NHS"] and len(words) > 1:
        words = words[1:]
    return "-".join(words)[:FILE_WORDS_LIMIT].strip("-") or "scope"


def deck_file_name(ctx: ChartContext, marking: str, prefix: str = PACK_PREFIX) -> str:
    """'board-pack_North-West-London-ICB_2026-09_OFFICIAL.pptx': the scope (and programme, if one), the
    newest month of the period and the marking."""
    scope = ctx.scope_label + ("" if ctx.scope.programme == "All" else f" {ctx.scope.programme}")
    month = f"{ctx.last_month:%Y-%m}" if ctx.last_month else "no-data"
    return f"{file_words(prefix)}_{file_words(scope)}_{month}_{file_words(marking)}.pptx"


@dataclass(frozen=True)
class Deck:
    content: bytes  # the .pptx
    marking: str  # OFFICIAL or OFFICIAL-SENSITIVE
    file_name: str


def make_deck(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    scope: Scope,
    charts: Sequence[str] = DEFAULT_PACK,
    page: str | None = None,
    choices: dict[str, object] | None = None,
    today: dt.date | None = None,
) -> Deck:
    """The board pack of the chosen charts for a viewer and scope, or with `page` that page's deck
    (`choices`: the page's own controls). ValueError for an unknown region or ICB, or chart."""
    if unknown := unknown_charts(charts):
        raise ValueError(f"Unknown charts: {', '.join(unknown)}")
    status, ctx = status_and_context(con, viewer, scope, choices)
    synthetic = bool(status["synthetic_demo"])
    return deck_from(db_fetch(con, ctx), ctx, synthetic, charts, page, today)


def deck_from(
    fetch: Fetch,
    ctx: ChartContext,
    synthetic: bool,
    charts: Sequence[str] = DEFAULT_PACK,
    page: str | None = None,
    today: dt.date | None = None,
) -> Deck:
    """`make_deck` from the queries' results as `fetch` gives them: each distinct query asked once, the charts
    built, the summary (a board pack's slide 2, after the cover) and every slide written. Every declared query
    of the deck is started at once (`prefetched`); each page's charts are built and their slides written as
    soon as its queries are back, while the later pages' queries run."""
    fetch = shared(fetch, ctx.scope)
    wanted = _wanted(None if page is None else [page], charts)
    reads = chart_reads(wanted, ctx) + ([] if page else summary_reads(ctx))
    written: list[Section] = []
    with prefetched(fetch, reads, PACK_WORKERS):
        sections = _kept(_as_sections(_built_pages(fetch, ctx, wanted), page is None), written)
        if page is not None:
            content = build_pack(sections, ctx, synthetic=synthetic, today=today)
        else:
            content = build_pack(
                sections,
                ctx,
                synthetic=synthetic,
                today=today,
                contents=False,
                summary=lambda: build_summary(fetch, ctx, _built_or_new(written)),
            )
    marking = classification(written)
    return Deck(content, marking, deck_file_name(ctx, marking, page or PACK_PREFIX))


def _built_or_new(sections: Sequence[Section]) -> Trend:
    """The summary's SPC charts: those the pack has built (the access outcomes), else built now."""
    built = {chart.key: chart for section in sections for chart in section.charts}

    def trend(fetch: Fetch, ctx: ChartContext, column: str) -> Chart | None:
        return built.get(f"spc_{column}") or spc_trend(fetch, ctx, column)

    return trend


def board_pack(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    scope: Scope,
    sections: Sequence[str] | None = None,
    choices: dict[str, object] | None = None,
    charts: Sequence[str] = DEFAULT_PACK,
) -> bytes:
    """A deck as PPTX bytes: the board pack of `charts`, or with `sections=[page]` that page's deck (or
    several pages' decks in one). The benchmark and tests call this."""
    if sections is None:
        return make_deck(con, viewer, scope, charts, choices=choices).content
    status, ctx = status_and_context(con, viewer, scope, choices)
    built = build_sections(db_fetch(con, ctx), ctx, sections, workers=PACK_WORKERS)
    synthetic = bool(status["synthetic_demo"])
    return build_pack(built, ctx, synthetic=synthetic)
