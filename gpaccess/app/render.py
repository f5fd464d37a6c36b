"""Show a Chart: figure, text alternative, data table and downloads, and headline tiles."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import streamlit as st

from gpaccess.app import data
from gpaccess.charts import Chart
from gpaccess.spc import SpcSummary
from gpaccess.spc_icons import variation_icon


def chart(item: Chart) -> None:
    st.plotly_chart(item.figure, key=f"chart_{item.key}", config={"displaylogo": False})
    st.caption(f"**Chart description:** {item.alt_text}")
    with st.expander(f"Data table: {item.title}"):
        st.dataframe(item.data, hide_index=True)
        st.download_button(
            "Download CSV",
            item.data.to_csv(index=False).encode("utf-8"),
            file_name=f"{_slug(item.key)}.csv",
            mime="text/csv",
            key=f"csv_{item.key}",
        )
        if item.notes:
            st.caption(" ".join(item.notes))


def show(builder: Callable[..., Chart], *args: Any, **kwargs: Any) -> Chart:
    """Build a chart from query results (cached per inputs and data version) and show it; a chart with
    nothing to plot is said in words instead of drawn as empty axes. Returns the chart (for exports)."""
    built = data.chart(builder, *args, **kwargs)
    if built.data.empty:
        st.info(built.title)
    else:
        chart(built)
    return built


def spc_variation(summary: SpcSummary) -> None:
    """The Making Data Count variation icon with its meaning in words beside it."""
    icon = variation_icon(summary.variation_icon, summary.variation_text)
    st.markdown(
        f'<div style="display:flex;gap:0.5rem;align-items:center">{icon}'
        f"<span><b>SPC:</b> {summary.variation_text}.</span></div>",
        unsafe_allow_html=True,
    )


def tile(label: str, value: str, detail: str = "", help_text: str | None = None) -> None:
    st.metric(label, value, help=help_text)
    if detail:
        st.caption(detail)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
