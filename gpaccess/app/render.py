"""Show a Chart: figure, text alternative, data table and downloads, and headline tiles."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import streamlit as st

from gpaccess.charts import Chart
from gpaccess.charts.screen import for_screen, source_text
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
    # the figure as fitted to the page (titles wrapped, legend below, source as text under it): charts.screen
    st.plotly_chart(for_screen(_shortened(item)), key=f"chart_{item.key}", config=PLOTLY_CONFIG)
    if source := source_text(item.figure):
        st.caption(plain(source, None))
    st.caption(f"**Chart description:** {plain(item.alt_text, None)}")  # names can come from files
    with st.expander(f"Data table: {plain(item.title, None)}"):
        st.dataframe(item.data, hide_index=True)
        st.download_button(
            "Download CSV",
            csv_bytes(item),  # text a spreadsheet could run as a formula is quoted
            file_name=f"{slug(item.key)}.csv",
            mime="text/csv",
            key=f"csv_{item.key}",
        )
        _more_downloads(item)
        if item.notes:
            st.caption(plain(" ".join(item.notes), None))


def _shortened(item: Chart) -> go.Figure:
    """A long chart of rows (42 ICBs, dozens of cohorts) as its 10 highest and 10 lowest, with a toggle to show
    them all (gpaccess.charts.trim); the data table and downloads always hold every row."""
    shorter = top_and_bottom(item.figure)
    if shorter is None:
        return item.figure
    every = st.toggle(
        f"Show all {rows(item.figure)} rows",
        key=f"all_rows_{item.key}",
        help="The chart shows the rows with the 10 highest and 10 lowest values; the data table has every row.",
    )
    if every:
        return item.figure
    ranked = " on the left-hand panel" if shares_rows(item.figure) else ""
    st.caption(
        f"Showing the {KEEP} highest and {KEEP} lowest{ranked} of {rows(item.figure)} rows: switch on "
        "'Show all' for the rest."
    )
    return shorter


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
