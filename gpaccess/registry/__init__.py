"""The chart registry: every chart of every page, defined once, in the order the pages show them.

A page draws its entries (gpaccess.app.charts), and that page's deck (its "Download slides", the board pack's
section, `python -m gpaccess export --page KEY`) is the same list built for the same `ChartContext`. Adding a
chart touches its query, its chart function and one module here (docs/architecture.md). Pure.
"""

from __future__ import annotations

import datetime as dt

from gpaccess.access import Viewer
from gpaccess.labels import area_label, describe_period, scope_label
from gpaccess.registry.access import ACCESS, DATA, IMPACT, SUPPORT
from gpaccess.registry.base import ChartContext, Entry, Fetch, Page, Placed, Read
from gpaccess.registry.funding import FUNDING
from gpaccess.registry.programme import ACTIONS, GAINS, OVERVIEW, PHASES, UPTAKE
from gpaccess.registry.summary import SUMMARY
from gpaccess.scope import Scope
from gpaccess.url_state import Geography

__all__ = [
    "ENTRIES",
    "PAGES",
    "ChartContext",
    "Entry",
    "Fetch",
    "Page",
    "Placed",
    "Read",
    "chart_context",
    "placed",
]

# in the order of the dashboard's pages
PAGES: dict[str, Page] = {
    page.key: page
    for page in (
        SUMMARY,
        OVERVIEW,
        PHASES,
        UPTAKE,
        GAINS,
        ACTIONS,
        FUNDING,
        ACCESS,
        SUPPORT,
        IMPACT,
        DATA,
    )
}
# every entry by its key (a page's entries are found through its Page)
ENTRIES: dict[str, Entry] = {entry.key: entry for page in PAGES.values() for entry in page.entries}


def placed(page: Page, fetch: Fetch, ctx: ChartContext) -> list[Placed]:
    """The page's charts with something to plot, each with its slide rule, in the page's order."""
    return [
        Placed(chart, entry.slide)
        for entry in page.entries
        for chart in entry.charts(fetch, ctx)
        if not chart.data.empty
    ]


def chart_context(
    viewer: Viewer, scope: Scope, geo: Geography, choices: dict[str, object] | None = None
) -> ChartContext:
    """What the charts cover, in words, for a viewer and scope: the same for the app and the command line.
    Unknown region or ICB codes are refused (KeyError) before any chart is built."""
    first: dt.date | None = scope.date_from or (geo.months[0] if geo.months else None)
    last: dt.date | None = scope.date_to or (geo.months[-1] if geo.months else None)
    context = ChartContext(
        viewer=viewer.permission,
        scope=scope,
        scope_label=scope_label(scope, geo),
        period_label=describe_period(first, last),
        area_label=area_label(scope, geo),
        last_month=last,
    )
    return context.with_choices(**(choices or {}))
