"""The app frame: database ready, who is viewing, global filters (kept in the URL), header. Pages read `current()`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from gpaccess.access import PUBLIC, Viewer
from gpaccess.app.data import db_path, query
from gpaccess.app.first_run import ensure_database
from gpaccess.charts.base import describe_period
from gpaccess.scope import NATIONAL, PROGRAMME_CHOICES, Scope
from gpaccess.url_state import Geography, params_from_scope, scope_from_params

ALL = "__all__"


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


def start() -> AppContext:
    ensure_database(db_path())
    status = query("data_status", PUBLIC, NATIONAL).iloc[0]
    geo = _geography(status)
    viewer = PUBLIC
    scope = _filters(geo)
    st.query_params.from_dict(params_from_scope(scope))
    context = _context(viewer, scope, geo, status)
    _header(context, status)
    st.session_state["app_context"] = context
    return context


def current() -> AppContext:
    """The frame's context for this run. A page can run without the frame when Streamlit's legacy `pages/`
    directory mode is still on (a fresh server whose first visit is a deep link): switch it off and rerun
    through dashboard.py, which sets the frame up and uses st.navigation."""
    if "app_context" not in st.session_state:
        PagesManager.uses_pages_directory = False
        st.rerun()
    return st.session_state["app_context"]


def _geography(status: pd.Series) -> Geography:
    rows = query("geography", PUBLIC, NATIONAL)
    regions = dict(zip(rows["region_code"], rows["region_name"], strict=True))
    icbs = {r.icb_code: (r.icb_name, r.region_code) for r in rows.itertuples()}
    months = tuple(
        pd.Timestamp(m).date() for m in (status["months"] if status["months"] is not None else [])
    )
    return Geography(regions=regions, icbs=icbs, months=months)


def _filters(geo: Geography) -> Scope:
    if "f_initialised" not in st.session_state:
        scope, notes = scope_from_params(dict(st.query_params), geo)
        st.session_state.update(
            f_region=scope.region or ALL,
            f_icb=scope.icb or ALL,
            f_programme=scope.programme,
            f_period=(scope.date_from or _first(geo), scope.date_to or _last(geo)),
            f_notes=notes,
            f_initialised=True,
        )
    with st.sidebar:
        st.header("Filters")
        region = st.selectbox(
            "Region",
            [ALL, *sorted(geo.regions, key=geo.regions.get)],
            key="f_region",
            format_func=lambda c: "All regions (England)" if c == ALL else geo.regions[c],
            on_change=_region_changed,
        )
        icb_codes = [c for c, (_, r) in geo.icbs.items() if region == ALL or r == region]
        icb = st.selectbox(
            "ICB",
            [ALL, *sorted(icb_codes, key=lambda c: geo.icbs[c][0])],
            key="f_icb",
            format_func=lambda c: "All ICBs" if c == ALL else _short_icb(geo.icbs[c][0]),
        )
        programme = st.radio("Programme", PROGRAMME_CHOICES, key="f_programme", horizontal=True)
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


def _region_changed() -> None:
    st.session_state["f_icb"] = ALL
    st.session_state["f_notes"] = []


def _period_widget(geo: Geography) -> tuple[dt.date | None, dt.date | None]:
    if len(geo.months) < 2:
        return None, None
    chosen = st.select_slider(
        "Period", options=list(geo.months), key="f_period", format_func=lambda m: f"{m:%b %Y}"
    )
    first, last = chosen
    full = (first == geo.months[0], last == geo.months[-1])
    return (None if full[0] else first), (None if full[1] else last)


def _first(geo: Geography) -> dt.date | None:
    return geo.months[0] if geo.months else None


def _last(geo: Geography) -> dt.date | None:
    return geo.months[-1] if geo.months else None


def _short_icb(name: str) -> str:
    return name.replace("Integrated Care Board", "ICB")


def scope_label(scope: Scope, geo: Geography) -> str:
    if scope.icb:
        return _short_icb(geo.icbs[scope.icb][0])
    if scope.region:
        return f"{geo.regions[scope.region]} region"
    return "England"


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


def _header(context: AppContext, status: pd.Series) -> None:
    loaded = pd.Timestamp(status["last_loaded"]) if pd.notna(status["last_loaded"]) else None
    held = describe_period(_first(context.geo), _last(context.geo))
    parts = [
        f"**{context.scope_label}**",
        f"Appointment data held: {held}",
        f"last loaded {loaded:%d %b %Y %H:%M}" if loaded is not None else "never loaded",
    ]
    if context.synthetic_demo:
        parts.append("⚠️ **SYNTHETIC DEMO DATA**: not real practices or results")
    st.caption(" · ".join(parts))
