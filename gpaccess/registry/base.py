"""What a registry entry is, and the context every chart is built for. Pure: no Streamlit, no python-pptx.

An entry is one chart of one page: the heading it sits under, how it is built from named queries (`build`,
given a `fetch` that runs a query for the viewer and a `ChartContext`), and how it becomes native PowerPoint
panels (`slide`, a rule of gpaccess.export.native). Pages and decks both iterate over the entries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from gpaccess.access import Viewer
from gpaccess.charts import Chart
from gpaccess.export.native import Panel, data_table
from gpaccess.scope import Scope

# fetch(name, scope=None, **extra parameters) -> the query's result for the context's viewer (and scope)
Fetch = Callable[..., pd.DataFrame]
SlideRule = Callable[[Chart], list[Panel]]


@dataclass(frozen=True)
class ChartContext:
    """Who the charts are for and what they cover: the app and the command line fill it in the same way
    (gpaccess.registry.chart_context). `choices` are a page's own controls, e.g. (("measure", "dna"),)."""

    viewer: Viewer
    scope: Scope
    scope_label: str
    period_label: str
    area_label: str = "England"  # where ICBs are compared: the scope's region, or England
    last_month: dt.date | None = None  # the newest month in the period
    choices: tuple[tuple[str, object], ...] = ()

    def choice(self, name: str, default: object = None) -> object:
        return dict(self.choices).get(name, default)

    def with_choices(self, **choices: object) -> ChartContext:
        merged = {**dict(self.choices), **choices}
        return replace(self, choices=tuple(sorted(merged.items())))


Built = Chart | Sequence[Chart] | None
Build = Callable[[Fetch, ChartContext], Built]


@dataclass(frozen=True)
class Read:
    """One query a chart is built from: its name, scope (None: the context's) and extra parameters."""

    name: str
    scope: Scope | None = None
    extra: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, name: str, scope: Scope | None = None, **extra: object) -> Read:
        return cls(name, scope, tuple(sorted(extra.items())))

    def fetched(self, fetch: Fetch) -> pd.DataFrame:
        """Its result, through `fetch`."""
        return fetch(self.name, self.scope, **dict(self.extra))


# the queries an entry's `build` runs for a context: their names (each for the context's scope, no extra
# parameters) or a function giving them
Reads = tuple[str, ...] | Callable[[ChartContext], Sequence[Read]]


@dataclass(frozen=True)
class Entry:
    key: str  # unique in the registry
    group: str  # the heading the chart sits under on its page (and the slide section's order)
    build: Build  # None: the chart does not apply to this scope (`not_applicable` says why on the page)
    slide: SlideRule = data_table  # native PowerPoint panels from the chart's data
    not_applicable: str = ""
    # long per-ICB or per-cohort detail: behind its "Show" switch on the page, in the deck; a function when only
    # some of the entry's charts are long (e.g. a table per ICB of England, not of a region)
    detail: bool | Callable[[Chart], bool] = False
    # the queries `build` runs when the scope has data, declared so that an export can start them all at once
    # (tests/integration/test_reads.py holds each to what `build` runs); None: not declared
    reads: Reads | None = None

    def planned_reads(self, ctx: ChartContext) -> list[Read] | None:
        """The queries `build` will run for `ctx`, if declared."""
        if self.reads is None:
            return None
        if callable(self.reads):
            return list(self.reads(ctx))
        return [Read(name) for name in self.reads]

    def is_detail(self, chart: Chart) -> bool:
        return self.detail(chart) if callable(self.detail) else self.detail

    def charts(self, fetch: Fetch, ctx: ChartContext) -> list[Chart]:
        built = self.build(fetch, ctx)
        if built is None:
            return []
        return [built] if isinstance(built, Chart) else list(built)


@dataclass(frozen=True)
class Placed:
    """A chart and the rule that draws it on a slide."""

    chart: Chart
    slide: SlideRule


@dataclass(frozen=True)
class Page:
    key: str  # as in the page's URL, e.g. "uptake"
    heading: str  # the page's title, and its section's heading in a deck
    entries: tuple[Entry, ...]

    def group(self, heading: str) -> tuple[Entry, ...]:
        found = tuple(e for e in self.entries if e.group == heading)
        if not found:
            raise KeyError(f"Page {self.key!r} has no charts under {heading!r}")
        return found
