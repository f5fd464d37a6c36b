"""A page's charts from the registry: each built once per viewer's permission, scope, choices and data version
(cached across sessions), shown with its heading, and the page's "Download slides" deck made from the same
list for the same context.

    charts = PageCharts("uptake", ctx)          # ctx from gpaccess.app.frame
    charts.show("Practices enrolled")           # the heading, then every chart under it
    charts.slides()                              # the page's deck: every chart of the page, in order
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import streamlit as st

from gpaccess.app import data, render
from gpaccess.charts import Chart
from gpaccess.registry import PAGES, ChartContext, Entry, Fetch, Placed
from gpaccess.scope import Scope
from gpaccess.text import plain


def cached_fetch(ctx: ChartContext) -> Fetch:
    """The registry's `fetch` in the app: named queries through the app's cached `data.query`, for the
    context's viewer and scope (or another scope asked for)."""

    def fetch(name: str, scope: Scope | None = None, **extra: object):
        return data.query(name, ctx.viewer, scope or ctx.scope, **extra)

    return fetch


@st.cache_resource(ttl=3600, max_entries=2000, show_spinner=False)
def _built(page: str, entry: str, context: str, version: float, _ctx: ChartContext) -> list[Chart]:
    """An entry's charts for a context (`context` its key, data.cache_key: `_ctx` is not hashed); the figures
    are drawn lazily, once, when the page first shows them."""
    found = next(e for e in PAGES[page].entries if e.key == entry)
    return found.charts(cached_fetch(_ctx), _ctx)


HEADLINE_CHARTS = 4  # a page opens with at most this many charts drawn; the others, and detail, behind a "Show" switch


class PageCharts:
    """The registry's charts of one page, for the frame's viewer and scope and the page's own `choices`."""

    def __init__(self, page: str, app_ctx: Any, **choices: object) -> None:
        self.page = PAGES[page]
        self.app_ctx = app_ctx
        self.version = data.data_version()  # once a run: each chart's cache is keyed on it
        self._use(app_ctx.chart_context().with_choices(**choices))
        self.drawn = 0  # charts drawn open so far: the page's headline charts

    def _use(self, ctx: ChartContext) -> None:
        self.ctx, self._key = ctx, data.cache_key(ctx)
        self._seen: dict[
            str, list[Chart]
        ] = {}  # this run's entries for this context: each looked up once

    def choose(self, **choices: object) -> None:
        """A control further down the page (e.g. the measure ICBs are compared on)."""
        self._use(self.ctx.with_choices(**choices))

    def built(self, entry: Entry) -> list[Chart]:
        if (
            entry.key not in self._seen
        ):  # the page shows it, then its deck lists it: one cache look-up
            self._seen[entry.key] = _built(
                page=self.page.key,
                entry=entry.key,
                context=self._key,
                version=self.version,
                _ctx=self.ctx,
            )
        return self._seen[entry.key]

    def charts(self, heading: str) -> list[Chart]:
        """The charts under a heading, without showing them (for a page that lays them out itself)."""
        return [chart for entry in self.page.group(heading) for chart in self.built(entry)]

    def show(self, heading: str, *, subheader: bool = True, tabs: list[str] | None = None) -> None:
        """The heading and every chart under it; a chart with nothing to plot, or one that does not apply,
        said in words. With `tabs`, one tab per entry (labels in order)."""
        if subheader:
            st.subheader(heading)
        entries = self.page.group(heading)
        if tabs is None:
            for entry in entries:
                self._show_entry(entry)
            return
        for tab, entry in zip(st.tabs(tabs), entries, strict=True):
            with tab:
                self._show_entry(entry, in_tabs=True)
        self.drawn += 1  # one tab shows at a time: the tabs are one headline chart

    def _show_entry(self, entry: Entry, in_tabs: bool = False) -> None:
        """Its charts; after the page's first HEADLINE_CHARTS, each behind a switch named by its finding."""
        charts = self.built(entry)
        if not charts and entry.not_applicable:
            st.info(entry.not_applicable)
        for chart in charts:
            if chart.data.empty:
                st.info(plain(chart.title, None))
            elif in_tabs or (self.drawn < HEADLINE_CHARTS and not entry.is_detail(chart)):
                self.drawn += not in_tabs
                render.chart(chart)
            elif st.toggle(f"Show: {plain(chart.title, None)}", key=f"more_{chart.key}"):
                render.chart(chart)

    def placed(self, keys: Collection[str] | None = None) -> list[Placed]:
        """Every chart of the page (or of its entries `keys`) with something to plot, with its slide rule:
        the page's deck, or its part of the board pack."""
        return [
            Placed(chart, entry.slide)
            for entry in self.page.entries
            if keys is None or entry.key in keys
            for chart in self.built(entry)
            if not chart.data.empty
        ]

    def slides(self, note: str = "") -> None:
        """A "Download slides" button: this page's charts for the current filters and choices as a
        PowerPoint deck with native charts, written when clicked from the charts already built."""
        ctx, synthetic, items = self.ctx, self.app_ctx.synthetic_demo, self.placed()

        def deck() -> bytes:
            from gpaccess.export.pack import Section, build_pack  # python-pptx only when clicked

            return build_pack([Section(self.page.heading, items)], ctx, synthetic=synthetic)

        st.divider()
        st.download_button(
            "Download slides",
            deck,
            file_name=f"{self.page.key}-{render.slug(ctx.scope_label)}.pptx",
            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
            key=f"slides_{self.page.key}",
            on_click="ignore",
            icon=":material/slideshow:",
            help="This page's charts for the current filters as PowerPoint slides with editable charts."
            + (f" {note}" if note else ""),
        )
