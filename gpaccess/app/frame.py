"""The app frame: database ready, who is viewing, global filters (kept in the URL), header. Pages read `current()`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from gpaccess.access import PUBLIC, Viewer
from gpaccess.app.data import DatabaseBusy, connection, db_path, derived, query
from gpaccess.app.first_run import ensure_database, show_database_busy
from gpaccess.app.upload import show_coverage_caveat
from gpaccess.app.viewer import decide_viewer, url_params
from gpaccess.labels import describe_period, geography, icb_label, scope_label
from gpaccess.registry import ChartContext, chart_context
from gpaccess.scope import NATIONAL, PROGRAMME_CHOICES, Scope
from gpaccess.text import plain
from gpaccess.url_state import PAGE_KEYS, Geography, params_from_scope, scope_from_params

ALL = "__all__"
NAME_LIMIT = 150  # characters of an ICB or region name (from loaded files) shown in markdown
REAL_DATA_LABEL = (
    "Real data"  # the header's word for a database of loaded files (not the synthetic demo)
)


@dataclass(frozen=True)
class AppContext:
    viewer: Viewer
    scope: Scope
    geo: Geography
    scope_label: str
    period_label: str
    first_month: dt.date | None
    last_month: dt.date | None
    synthetic_demo: bool

    @property
    def scope_label_md(self) -> str:
        """The scope label to put in markdown: ICB and region names come from loaded files, so as plain text."""
        return plain(self.scope_label, limit=NAME_LIMIT)

    def chart_context(self) -> ChartContext:
        """What this view's charts and exports cover, for this viewer (the same as the CLI's for these
        filters): gpaccess.registry."""
        return chart_context(self.viewer, self.scope, self.geo)


HANDOFF_KEY = "_frame_context"
WRITTEN_URL_KEY = (
    "_frame_url"  # the query parameters the last run wrote: another URL is the browser's Back
)


STYLE = Path(__file__).with_name("style.css")  # contrast and focus: see the file


def configure_page() -> None:
    """Page title and icon, and the app's few style rules. The icon is an emoji, which Streamlit draws itself:
    a `:material/...:` page icon is fetched from fonts.gstatic.com, and the app must work offline."""
    st.set_page_config(page_title="GP access improvement", page_icon="🏥", layout="wide")
    st.html(STYLE)  # style only: Streamlit puts it in no place on the page


def sidebar_navigation(
    sections: dict[str, list[st.Page]], query_params: dict[str, str] | None = None
) -> None:
    """Links to the pages, by section, at the top of the sidebar, each with the view's filters in its address
    (`query_params`): a link keeps the filters, and an address without them is the view without filters (so
    Back to it clears them).

    In place of Streamlit's own sidebar menu (`st.navigation(..., position="hidden")`), whose markup is a list
    with other elements among its items (axe-core: `list`, `listitem`, serious). The pages' icons come from the
    font Streamlit serves itself, and are hidden from screen readers."""
    for section, pages in sections.items():
        st.markdown(f"**{section}**")
        for page in pages:
            st.page_link(page, label=page.title, query_params=query_params or None)


def start(
    sections: dict[str, list[st.Page]] | None = None, programme_not_used: str | None = None
) -> AppContext:
    """Called by dashboard.py on every run, before the page: database ready, viewer, filters (and URL), header.

    The filter widgets are drawn here, in the entrypoint, so Streamlit keeps their values across pages.
    `sections`: the pages to link to at the top of the sidebar (`sidebar_navigation`).
    `programme_not_used`: why the page's figures do not depend on the Programme filter (it is shown disabled,
    keeping its value for the other pages). While a load from the command line holds the database, says so in
    words and stops (no traceback).
    """
    ensure_database(db_path())
    try:
        connection()  # opened (or reused) before anything is drawn: a running load is found here
        return _start(sections or {}, programme_not_used)
    except DatabaseBusy:
        show_database_busy()


def _start(sections: dict[str, list[st.Page]], programme_not_used: str | None) -> AppContext:
    links = st.sidebar.container()  # first in the sidebar; filled once the filters are known
    status = query("data_status", PUBLIC, NATIONAL).iloc[0]
    geo = _geography(status)
    viewer = decide_viewer(bool(status["synthetic_demo"]), geo)
    scope = _filters(geo, programme_not_used)
    kept = {key: st.query_params[key] for key in PAGE_KEYS if key in st.query_params}
    st.query_params.from_dict(
        {
            **params_from_scope(scope),
            **url_params(viewer, bool(status["synthetic_demo"])),
            **kept,  # the page's own choices (e.g. the board pack's charts), checked by the page
        }
    )
    written = dict(st.query_params)
    st.session_state[WRITTEN_URL_KEY] = written
    with links:
        sidebar_navigation(sections, written)
    context = _context(viewer, scope, geo, status)
    _header(context, status)
    st.session_state[HANDOFF_KEY] = context
    return context


def current() -> AppContext:
    """The context dashboard.py built in this run, for the page; each run hands over a fresh one.

    Streamlit keeps a legacy mode for apps with a `pages/` folder in which a page file runs without the
    entrypoint (a shared deep link on a fresh server; every AppTest run). Then there is nothing to take over:
    switch that mode off and rerun, so that dashboard.py runs first.
    """
    context = st.session_state.pop(HANDOFF_KEY, None)
    if context is None:
        PagesManager.uses_pages_directory = False
        st.rerun()
    return context


def _geography(status: pd.Series) -> Geography:
    """Regions, ICBs and months held: made once per data version (the status is of the same version)."""
    return derived(
        lambda: geography(query("geography", PUBLIC, NATIONAL), status["months"]), "geography"
    )


def _filters(geo: Geography, programme_not_used: str | None = None) -> Scope:
    _seed_filters_from_url(geo)
    with st.sidebar:
        st.header("Filters")
        region = st.selectbox(
            "Region",
            [ALL, *sorted(geo.regions, key=lambda code: geo.regions[code])],
            key="f_region",
            format_func=lambda c: "All regions (England)" if c == ALL else geo.regions[c],
            on_change=_region_changed,
        )
        icb_codes = [c for c, (_, r) in geo.icbs.items() if region == ALL or r == region]
        icb = st.selectbox(
            "ICB",
            [ALL, *sorted(icb_codes, key=lambda c: geo.icbs[c][0])],
            key="f_icb",
            format_func=lambda c: "All ICBs" if c == ALL else icb_label(geo.icbs[c][0]),
        )
        programme = st.radio(
            "Programme",
            PROGRAMME_CHOICES,
            key="f_programme",
            horizontal=True,
            disabled=programme_not_used is not None,
            help=programme_not_used,
        )
        if programme_not_used:
            st.caption(f"Programme: not used on this page. {programme_not_used}")
        date_from, date_to = _period_widget(geo)
    for note in st.session_state.get("f_notes", []):
        st.warning(note, icon="⚠️")
    region_code = None if region == ALL else region
    icb_code = None if icb == ALL else icb
    if icb_code and region_code is None:
        region_code = geo.icbs[icb_code][1]
    return Scope(
        region=region_code, icb=icb_code, programme=programme, date_from=date_from, date_to=date_to
    )


def _seed_filters_from_url(geo: Geography) -> None:
    """Give every filter without a value one from the URL: on a session's first run, and after Streamlit has
    dropped widget state (it does for widgets a run did not draw). The URL always holds the last view.

    When the URL is not the one the last run wrote, the browser changed it (Back or Forward: Streamlit reruns
    with the address it went back to): then every filter takes the URL's value, so Back restores the filters."""
    params = dict(st.query_params)
    scope, notes = scope_from_params(params, geo)
    moved = st.session_state.get(WRITTEN_URL_KEY, params) != params
    if moved:
        st.session_state["f_notes"] = notes
    st.session_state.setdefault("f_notes", notes)
    defaults = {
        "f_region": scope.region or ALL,
        "f_icb": scope.icb or ALL,
        "f_programme": scope.programme,
        "f_from": scope.date_from or _first(geo),
        "f_to": scope.date_to or _last(geo),
    }
    for key, value in defaults.items():
        if moved or key not in st.session_state:
            st.session_state[key] = value


def _region_changed() -> None:
    st.session_state["f_icb"] = ALL
    st.session_state["f_notes"] = []


def _period_widget(geo: Geography) -> tuple[dt.date | None, dt.date | None]:
    """Two month pickers (easier with a keyboard or screen reader than a two-handle slider)."""
    if len(geo.months) < 2:
        return None, None
    months = list(geo.months)
    left, right = st.columns(2)
    first = left.selectbox("From", months, key="f_from", format_func=_month_label)
    last = right.selectbox("To", months, key="f_to", format_func=_month_label)
    if first > last:
        st.caption("'From' is after 'To': showing the months between them.")
        first, last = last, first
    return (None if first == months[0] else first), (None if last == months[-1] else last)


def _month_label(month: dt.date) -> str:
    return f"{month:%b %Y}"


def _first(geo: Geography) -> dt.date | None:
    return geo.months[0] if geo.months else None


def _last(geo: Geography) -> dt.date | None:
    return geo.months[-1] if geo.months else None


def _context(viewer: Viewer, scope: Scope, geo: Geography, status: pd.Series) -> AppContext:
    first = scope.date_from or _first(geo)
    last = scope.date_to or _last(geo)
    return AppContext(
        viewer=viewer,
        scope=scope,
        geo=geo,
        scope_label=scope_label(scope, geo),
        period_label=describe_period(first, last),
        first_month=first,
        last_month=last,
        synthetic_demo=bool(status["synthetic_demo"]),
    )


def _viewer_label_md(viewer: Viewer) -> str:
    """The viewer's label for markdown: as it is when its region or ICB code (from the data) is inert, else
    all of it as plain text."""
    codes = [code for code in (viewer.icb_code, viewer.region_code) if code]
    return viewer.label if all(plain(code) == code for code in codes) else plain(viewer.label)


def _header(context: AppContext, status: pd.Series) -> None:
    loaded = pd.Timestamp(status["last_loaded"]) if pd.notna(status["last_loaded"]) else None
    held = describe_period(_first(context.geo), _last(context.geo))
    parts = [
        f"**{context.scope_label_md}**",
        f"Appointment data held: {held}",
        f"last loaded {loaded:%d %b %Y %H:%M}" if loaded is not None else "never loaded",
    ]
    if context.synthetic_demo:
        parts.append("⚠️ **SYNTHETIC DEMO DATA**: not real practices or results")
    elif loaded is not None:
        parts.append(f"**{REAL_DATA_LABEL}**")
    parts.append(f"Viewing as: **{_viewer_label_md(context.viewer)}**")
    st.caption(" · ".join(parts))
    show_coverage_caveat(context)
