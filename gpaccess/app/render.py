"""Show a Chart: figure, text alternative, data table and downloads, and headline tiles."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
import pyarrow as pa
import streamlit as st
from streamlit.dataframe_util import convert_pandas_df_to_arrow_table

from gpaccess.charts import Chart
from gpaccess.charts.screen import screen_copy, source_text
from gpaccess.charts.trim import KEEP, rows, shares_rows, top_and_bottom
from gpaccess.spc import SpcSummary
from gpaccess.spc_icons import variation_icon
from gpaccess.text import plain

# No Plotly toolbar: zoom and pan are not what a board paper needs, the downloads sit under each chart, and the
# toolbar's eight buttons were eight more tab stops per chart. Streamlit's own toolbar still offers full screen.
PLOTLY_CONFIG = {"displayModeBar": False, "displaylogo": False}


def chart(item: Chart) -> None:
    from gpaccess.export.images import csv_bytes

    if item.spc is not None:
        spc_variation(item.spc)
    screen = on_screen(item)
    # the figure as fitted to the page (titles wrapped, legend below, source as text under it): charts.screen
    st.plotly_chart(_shortened(item, screen), key=f"chart_{item.key}", config=PLOTLY_CONFIG)
    if screen.source:
        st.caption(plain(screen.source, None))
    st.caption(f"**Chart description:** {plain(item.alt_text, None)}")  # names can come from files
    with st.expander(f"Data table: {plain(item.title, None)}"):
        st.dataframe(screen.table, hide_index=True)  # item.data, converted once
        st.download_button(
            "Download CSV",
            lambda: csv_bytes(item),  # text a spreadsheet could run as a formula is quoted
            file_name=f"{slug(item.key)}.csv",
            mime="text/csv",
            key=f"csv_{item.key}",
            on_click="ignore",
        )
        _more_downloads(item)
        if item.notes:
            st.caption(plain(" ".join(item.notes), None))


class ServedFigure(go.Figure):
    """A screen figure as the dict Plotly makes of it, made once. `st.plotly_chart` asks a figure for
    `to_dict()` on every run, and Plotly answers with a deep copy of the whole figure, arrays encoded: for
    charts cached across sessions, that copy was most of the cost of drawing them. This one holds only the dict,
    in plain JSON values (no arrays, dates or NumPy numbers left for Plotly's encoder to convert each run), and
    every way Plotly serialises a figure (`to_dict`, `to_plotly_json`, `to_json`, `plotly.io`) goes through
    `to_dict`: the spec sent is the figure's (a test checks). Not for reading traces: its own are empty."""

    def __init__(self, figure: go.Figure) -> None:
        super().__init__()
        self._served = json.loads(pio.to_json(figure.to_dict(), validate=False))

    def to_dict(self) -> dict[str, Any]:
        return self._served


@dataclass(frozen=True)
class OnScreen:
    """A chart's figures as the page draws them: made the first time the chart is shown, then kept with it
    (charts are cached across sessions: gpaccess.app.charts)."""

    whole: go.Figure
    shortened: go.Figure | None  # its 10 highest and lowest rows, for a long chart of rows
    rows: int  # the long chart's rows
    ranked_on_first_panel: (
        bool  # side-by-side panels: their shared rows ranked on the left-hand one
    )
    source: str  # the source line, shown under the chart
    table: pa.Table  # the chart's data as st.dataframe sends it (Arrow), converted once

    @classmethod
    def of(cls, item: Chart) -> OnScreen:
        shorter = top_and_bottom(item.figure)
        return cls(
            whole=ServedFigure(
                screen_copy(item.figure)
            ),  # the copies are not kept: their dicts are
            shortened=None if shorter is None else ServedFigure(screen_copy(shorter)),
            rows=0 if shorter is None else rows(item.figure),
            ranked_on_first_panel=shorter is not None and shares_rows(item.figure),
            source=source_text(item.figure),
            table=convert_pandas_df_to_arrow_table(item.data),
        )


def on_screen(item: Chart) -> OnScreen:
    made = item.__dict__.get("_on_screen")
    if made is None:
        made = OnScreen.of(item)
        object.__setattr__(
            item, "_on_screen", made
        )  # frozen: kept beside the fields, as its figure is
    return made


def _shortened(item: Chart, screen: OnScreen) -> go.Figure:
    """A long chart of rows (42 ICBs, dozens of cohorts) as its 10 highest and 10 lowest, with a toggle to show
    them all (gpaccess.charts.trim); the data table and downloads always hold every row."""
    if screen.shortened is None:
        return screen.whole
    every = st.toggle(
        f"Show all {screen.rows} rows",
        key=f"all_rows_{item.key}",
        help="The chart shows the rows with the 10 highest and 10 lowest values; the data table has every row.",
    )
    if every:
        return screen.whole
    ranked = " on the left-hand panel" if screen.ranked_on_first_panel else ""
    st.caption(
        f"Showing the {KEEP} highest and {KEEP} lowest{ranked} of {screen.rows} rows: switch on "
        "'Show all' for the rest."
    )
    return screen.shortened


def _more_downloads(item: Chart) -> None:
    """XLSX of the data; PNG and SVG of the figure, drawn only when clicked (kaleido and Chromium)."""
    from gpaccess.export.images import figure_image, images_unavailable, xlsx_bytes

    name = slug(item.key)
    st.download_button(
        "Download XLSX",
        lambda: xlsx_bytes(item),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{item.key}",
        on_click="ignore",
    )
    reason = images_unavailable()
    for fmt, mime in (("png", "image/png"), ("svg", "image/svg+xml")):

        def image(f: str = fmt) -> bytes:
            return figure_image(item.figure, f)

        st.download_button(
            f"Download {fmt.upper()}" if reason is None else f"{fmt.upper()}: needs Chromium",
            image if reason is None else b"",
            file_name=f"{name}.{fmt}",
            mime=mime,
            key=f"{fmt}_{item.key}",
            on_click="ignore",
            disabled=reason is not None,
            help=reason,
        )


def spc_variation(summary: SpcSummary) -> None:
    """The SPC reading in words; the Making Data Count variation icon beside them only where a rule fired (no
    badge on common cause), and assurance only where the measure has a target."""
    icon = (
        variation_icon(summary.variation_icon, summary.variation_text)
        if summary.shows_variation_icon
        else ""
    )
    assurance = f" {summary.assurance_text}." if summary.assurance_text else ""
    st.markdown(
        f'<div style="display:flex;gap:0.5rem;align-items:center">{icon}'
        f"<span><b>SPC:</b> {summary.variation_text}.{assurance}</span></div>",
        unsafe_allow_html=True,
    )


def tile(label: str, value: str, detail: str = "", help_text: str | None = None) -> None:
    st.metric(label, value, help=help_text)
    if detail:
        st.caption(detail)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
