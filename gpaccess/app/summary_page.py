"""The Summary page's parts (pages/summary.py draws them in order): the summary for the frame's context, built
from the app's cached queries; its tiles, outcomes with their SPC icons and words, what changed, the commentary
with the form to write it (for a viewer who may write for the scope), the data table and downloads."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import streamlit as st

from gpaccess.app import data, render
from gpaccess.app.charts import cached_fetch
from gpaccess.app.frame import NAME_LIMIT, AppContext
from gpaccess.charts import Chart
from gpaccess.commentary import LIMIT, CommentaryRefused, utc_now, write_commentary
from gpaccess.registry import ChartContext, Placed
from gpaccess.spc_icons import variation_icon
from gpaccess.summary import SOURCE, Summary, add_months, build_summary, month_label
from gpaccess.text import plain

OUTCOME_KEY = "summary_commentary_outcome"  # ("success" or "error", message) of the last save
TEXT_KEY = "commentary_text"


@st.cache_resource(ttl=3600, max_entries=500, show_spinner=False)
def _summary(context: str, version: float, _ctx: ChartContext) -> Summary:
    """Built once per context (`context` its key, data.cache_key: `_ctx` is not hashed) and data version (a
    saved commentary rewrites the database: a new version)."""
    return build_summary(cached_fetch(_ctx), _ctx)


def current(app_ctx: AppContext) -> Summary:
    ctx = app_ctx.chart_context()
    return _summary(data.cache_key(ctx), data.data_version(), ctx)


def tiles(summary: Summary) -> None:
    g = summary.gpip
    if g is None:
        st.info("GPIP: no programme data for this scope.", icon=":material/info:")
        return
    first, last = g.window
    if g.target is None:
        reach, reach_detail = "No local target", "The programme target is England's"
    elif g.reached is not None:
        reach, reach_detail = month_label(g.reached), f"When {g.target:,} practices had benefited"
    else:
        reach = month_label(g.projected) if g.projected else "Not at this rate"
        reach_detail = f"When {g.target:,} practices will have benefited, at the current rate"
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        share = (
            f"{g.share_of_target:.1f}% of the {g.target:,} target"
            if g.target
            else "No local target"
        )
        render.tile(
            "GPIP: benefited", f"{g.benefited:,}", f"To the end of {month_label(g.month)}. {share}"
        )
    with c2:
        render.tile(
            "Current rate",
            f"{g.rate:.1f} a month",
            f"Mean newly benefiting per month, {month_label(first)} to {month_label(last)}",
        )
    with c3:
        render.tile("Target reached", reach, reach_detail)
    with c4:
        render.tile(
            f"New in {month_label(g.month)}",
            f"{g.benefited_in_month:,}",
            f"Newly benefited; {g.enrolled_in_month:,} newly enrolled",
        )


def outcomes(summary: Summary) -> None:
    """Each headline measure: value and change, its Making Data Count icon with the words beside it."""
    st.subheader("Access outcomes")
    if not summary.outcomes:
        st.info("No appointment data for this scope and period.")
        return
    for outcome in summary.outcomes:
        left, right = st.columns([1, 2])
        with left:
            render.tile(outcome.label, outcome.row[1], outcome.change_words)
        with right:
            icon = ""
            if (
                outcome.spc is not None and outcome.spc.shows_variation_icon
            ):  # only where a rule fires
                icon = variation_icon(outcome.spc.variation_icon, outcome.spc.variation_text)
            st.markdown(
                f'<div style="display:flex;gap:0.5rem;align-items:center">{icon}<span>'
                f"<b>Variation:</b> {outcome.variation_words}.<br>"
                f"<b>Assurance:</b> {outcome.assurance_words}.</span></div>",
                unsafe_allow_html=True,
            )


def changes(summary: Summary) -> None:
    st.subheader(f"What changed since {month_label(_previous(summary))}")
    st.markdown("\n".join(f"- {plain(line, None)}" for line in summary.change_lines))


def _previous(summary: Summary):
    return None if summary.month is None else add_months(summary.month, -1)


def commentary(summary: Summary, app_ctx: AppContext) -> None:
    """The latest commentary as plain text with its author and date; the form for those who may write it."""
    st.subheader("Commentary")
    if outcome := st.session_state.pop(OUTCOME_KEY, None):
        kind, message = outcome
        if kind == "success":
            st.success(plain(message, None), icon=":material/check_circle:")
        else:
            st.error(plain(message, None), icon=":material/error:")
    c = summary.commentary
    if c is None:
        st.info(plain(summary.commentary_text, None))
    else:
        st.markdown(plain(c.text, None))
        earlier = f" ({c.versions - 1} earlier version(s) kept)" if c.versions > 1 else ""
        st.caption(f"Written by {plain(c.byline, None)}{earlier}.")
    scope = app_ctx.scope
    if summary.month is not None and app_ctx.viewer.may_write_for(scope.region, scope.icb):
        _form(summary, app_ctx)


def _form(summary: Summary, app_ctx: AppContext) -> None:
    """A text area and Save; the save runs as the button's callback, before the next run draws the page, so
    the page then shows what was saved (and Streamlit's rerun of a deep-linked page cannot drop the click)."""
    where = plain(app_ctx.scope_label, NAME_LIMIT)
    with st.form("commentary_form"):
        st.text_area(
            f"Commentary for {where}, {month_label(summary.month)}",
            value=summary.commentary.text if summary.commentary else "",
            max_chars=LIMIT,
            key=TEXT_KEY,
            help=f"2 to 4 sentences of plain text, at most {LIMIT} characters. Each save is kept; the latest "
            "is shown here, on the summary slide and in its speaker notes.",
        )
        st.form_submit_button(
            "Save commentary", type="primary", on_click=_save, args=(summary.month, app_ctx)
        )


def _save(month: dt.date, app_ctx: AppContext) -> None:
    """Write the text area's commentary for the scope and month through the one write path; the outcome is
    said on the next run (a callback draws nothing itself)."""
    viewer = app_ctx.viewer
    author = viewer.email or f"{viewer.label} (demo persona)"
    try:
        with data.writing() as con:
            written = write_commentary(
                con,
                viewer,
                app_ctx.scope,
                month,
                st.session_state.get(TEXT_KEY, ""),
                utc_now(),
                written_by=author,
            )
    except CommentaryRefused as error:
        st.session_state[OUTCOME_KEY] = ("error", str(error))
        return
    st.session_state[OUTCOME_KEY] = ("success", f"Commentary saved ({written.byline}).")


def figures(summary: Summary, app_ctx: AppContext, charts: list[Placed]) -> None:
    """The summary's figures as a table with CSV and XLSX downloads (cells through the formula neutralising),
    and the slides: the cover, the summary slide and the page's charts."""
    chart = Chart(
        "summary",
        summary.title,
        summary.subtitle,
        go.Figure(),  # never drawn: the summary is words and a table
        summary.table(),
        summary.notes,
        SOURCE,
    )
    with st.expander("Data table: the summary's figures"):
        st.dataframe(chart.data, hide_index=True)
        from gpaccess.export.images import csv_bytes, xlsx_bytes

        st.download_button(
            "Download CSV",
            csv_bytes(chart),
            file_name="summary.csv",
            mime="text/csv",
            key="csv_summary",
        )
        st.download_button(
            "Download XLSX",
            lambda: xlsx_bytes(chart),
            file_name="summary.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="xlsx_summary",
            on_click="ignore",
        )
    ctx, synthetic = app_ctx.chart_context(), app_ctx.synthetic_demo

    def deck() -> bytes:
        from gpaccess.export.summary_slide import summary_deck  # python-pptx only when clicked

        return summary_deck(summary, ctx, synthetic=synthetic, charts=charts)

    st.divider()
    st.download_button(
        "Download slides",
        deck,
        file_name=f"summary-{render.slug(ctx.scope_label)}.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        key="slides_summary",
        on_click="ignore",
        icon=":material/slideshow:",
        help="The cover and the summary slide for the current filters, as in the board pack.",
    )
