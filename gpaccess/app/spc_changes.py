"""Under an SPC chart: the changes recorded for the scope (everyone), and for a viewer who may write for the
scope, a small form to record one or take one out. Writes go through `data.writing()` and
`gpaccess.spc_changes`, which refuses anyone else; reasons are shown with `gpaccess.text.plain`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from gpaccess.app import data
from gpaccess.charts.appointments import MEASURES
from gpaccess.spc_changes import (
    REASON_LIMIT,
    ChangeRefused,
    changes_for,
    record_change,
    remove_change,
)
from gpaccess.text import plain

_DONE = "spc_change_done"  # what the last write did, said after the page runs again
WHO_MAY = (
    "Changes are recorded by national users for England, a region's users for their region and an ICB's "
    "users for their ICB."
)


def show(app_ctx: Any, measures: Sequence[str], key: str) -> None:
    """The scope's recorded changes of `measures`, and the form for a viewer who may write for the scope."""
    scope = app_ctx.scope
    recorded = changes_for(lambda name: data.query(name, app_ctx.viewer, scope))
    recorded = recorded[recorded["measure"].isin(list(measures))]
    writer = app_ctx.viewer.may_write_for(scope.region, scope.icb)
    done = st.session_state.pop(_DONE, None)
    if done:
        st.session_state.pop(f"rc_reason_{key}", None)  # written: the next reason starts empty
        st.success(f"{done} The charts use it now.")
    with st.expander(f"Changes recorded for this scope ({len(recorded)})", expanded=bool(done)):
        st.caption(
            "The SPC limits are re-based only at a change recorded here, with at least 12 months on each "
            f"side. {WHO_MAY}"
        )
        _listed(recorded)
        if writer:
            _record_form(app_ctx, measures, key)
            if not recorded.empty:
                _remove_form(app_ctx, recorded, key)


def _listed(recorded: pd.DataFrame) -> None:
    if recorded.empty:
        st.caption("No change is recorded for this scope: each chart has one set of limits.")
        return
    for row in recorded.itertuples():
        st.markdown(
            f"- **{pd.Timestamp(row.change_month):%b %Y}**, {plain(MEASURES[row.measure].label.lower())}: "
            f"{plain(row.reason, None)} (recorded {pd.Timestamp(row.recorded_at):%d %b %Y} by a "
            f"{plain(_role_words(str(row.recorded_as)))})"
        )


def _role_words(token: str) -> str:
    kind, _, code = token.partition(":")
    return {
        "national": "national user",
        "region": f"regional user ({code})",
        "icb": f"ICB user ({code})",
    }.get(kind, token)


def _months_held(app_ctx: Any) -> list[dt.date]:
    """Months the scope holds after its first (a change needs a month before it)."""
    whole = app_ctx.scope.with_(date_from=None, date_to=None)
    monthly = data.query("appointments_monthly", app_ctx.viewer, whole)
    return [pd.Timestamp(m).date() for m in monthly["month"]][1:]


def _record_form(app_ctx: Any, measures: Sequence[str], key: str) -> None:
    months = _months_held(app_ctx)
    if not months:
        return
    with st.container(border=True):
        st.markdown("**Record a change**")
        measure = st.selectbox(
            "Measure",
            list(measures),
            format_func=lambda c: MEASURES[c].label,
            key=f"rc_measure_{key}",
        )
        month = st.selectbox(
            "Month the change took effect",
            months[::-1],
            format_func=lambda m: f"{m:%b %Y}",
            key=f"rc_month_{key}",
        )
        reason = st.text_input(
            "Reason (what changed)", max_chars=REASON_LIMIT, key=f"rc_reason_{key}"
        )
        st.button(
            "Record the change", key=f"rc_record_{key}", on_click=_request, args=(key, "record")
        )
        if _requested(key, "record"):
            _write(
                lambda con, now: record_change(
                    con, app_ctx.viewer, app_ctx.scope, measure, month, reason, now
                ),
                f"Recorded: {MEASURES[measure].label.lower()} from {month:%b %Y}.",
            )


def _remove_form(app_ctx: Any, recorded: pd.DataFrame, key: str) -> None:
    choices = [(str(r.measure), pd.Timestamp(r.change_month).date()) for r in recorded.itertuples()]
    with st.container(border=True):
        chosen = st.selectbox(
            "Take out a recorded change",
            choices,
            format_func=lambda c: f"{c[1]:%b %Y}, {MEASURES[c[0]].label.lower()}",
            key=f"rm_choice_{key}",
        )
        st.button("Take it out", key=f"rm_remove_{key}", on_click=_request, args=(key, "remove"))
        if _requested(key, "remove"):
            measure, month = chosen
            _write(
                lambda con, now: remove_change(
                    con, app_ctx.viewer, app_ctx.scope, measure, month, now
                ),
                f"Taken out: {MEASURES[measure].label.lower()} from {month:%b %Y}.",
            )


def _write(action: Any, done: str) -> None:
    """Run a write through the app's one write path; the refusal's words if refused, else a fresh run of the
    page (the data version changed: charts are rebuilt) that says what was done."""
    try:
        with data.writing() as con:
            action(con, dt.datetime.now().replace(microsecond=0))
    except ChangeRefused as refused:
        st.error(plain(str(refused), None))
        return
    except duckdb.IOException:
        st.error(
            "The database is being loaded just now: try again in a minute. Nothing was written."
        )
        return
    st.session_state[_DONE] = done
    st.rerun()


def _request(key: str, action: str) -> None:
    """A button's callback: a session flag rather than the button's one-run trigger, so that the request
    survives the rerun the frame makes when a page file runs without the entrypoint (gpaccess.app.upload)."""
    st.session_state[f"spc_change_{action}_{key}"] = True


def _requested(key: str, action: str) -> bool:
    return bool(st.session_state.pop(f"spc_change_{action}_{key}", False))
