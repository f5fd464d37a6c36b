"""Support identification: each ICB's lowest 20% of practices on a measure, and whether programmes reach them.

Public, national and regional viewers see counts and shares only ("fewer than 5" for small numbers). Only a
viewer authorised for an ICB sees that ICB's named list (OFFICIAL-SENSITIVE); gpaccess.db.run enforces it.
"""

import pandas as pd
import streamlit as st

from gpaccess.app import frame, render
from gpaccess.app.charts import PageCharts
from gpaccess.app.data import query
from gpaccess.charts.base import describe_period
from gpaccess.definitions import words
from gpaccess.export.cells import csv_text
from gpaccess.identification import (
    DEFAULT_MEASURE,
    DEFAULT_WINDOW,
    ONE_MONTH_CAVEAT,
    SUPPORT_MEASURES,
    WINDOWS,
    shown_count,
    shown_share,
    window_bounds,
)

ctx = frame.current()
st.title("Support identification")
st.markdown(
    "The 2021 access plan asked each ICB to find the up to 20% of its practices that most need support, "
    "starting from the lowest face-to-face share. Are the programmes reaching them?"
)
if ctx.last_month is None:
    st.info("No appointment data loaded.")
    st.stop()

# Widget values come from session state, which a forged URL or script could set: keep only allowed values.
if st.session_state.get("s_measure") not in SUPPORT_MEASURES:
    st.session_state["s_measure"] = DEFAULT_MEASURE
if st.session_state.get("s_window") not in WINDOWS:
    st.session_state["s_window"] = DEFAULT_WINDOW
left, right = st.columns(2)
measure = left.selectbox(
    "Measure",
    list(SUPPORT_MEASURES),
    format_func=lambda k: SUPPORT_MEASURES[k].label,
    key="s_measure",
)
months = right.radio(
    "Window", list(WINDOWS), format_func=lambda m: WINDOWS[m], key="s_window", horizontal=True
)
window_from, window_to = window_bounds(ctx.last_month, months)
window_label = describe_period(window_from, window_to)
label = SUPPORT_MEASURES[measure].label
if months == 1:
    st.warning(ONE_MONTH_CAVEAT, icon="⚠️")
window = {"measure": measure, "window_from": window_from, "window_to": window_to}

reach = query("support_reach", ctx.viewer, ctx.scope, **window)
if reach.empty:
    st.info("No practice had appointments in this window.")
    st.stop()

own_icb = ctx.viewer.icb_code if ctx.viewer.role == "icb" else None
exact = own_icb is not None and ctx.scope.icb == own_icb
lowest, reached = int(reach["lowest"].sum()), int(reach["lowest_in_either"].sum())
st.subheader(f"{ctx.scope_label_md} · {window_label}")
c1, c2, c3, c4 = st.columns(4)
with c1:
    render.tile(
        "Practices in their ICB's lowest 20%",
        shown_count(lowest, exact=exact),
        f"of {shown_count(int(reach['practices_ranked'].sum()), exact=exact)} practices ranked on {label.lower()}",
    )
with c2:
    render.tile(
        "Of them, in Accelerate or GPIP",
        shown_share(reached, lowest, exact=exact),
        f"{shown_count(reached, exact=exact)} practices are or were in a programme",
        help_text=words("in_a_programme"),
    )
with c3:
    render.tile(
        "Of them, in Accelerate / GPIP",
        f"{shown_count(int(reach['lowest_in_accelerate'].sum()), exact=exact)} / "
        f"{shown_count(int(reach['lowest_in_gpip'].sum()), exact=exact)}",
        "a practice can be in both",
    )
with c4:
    render.tile(
        "Supported, not in the lowest 20%",
        shown_count(int(reach["supported_not_lowest"].sum()), exact=exact),
        f"of {shown_count(int(reach['supported'].sum()), exact=exact)} practices in a programme",
        help_text=words("in_a_programme"),
    )

charts = PageCharts("support", ctx, measure=measure, window=months)
charts.show("Reach of the programmes", subheader=False)

if ctx.viewer.may_see_practices_of(ctx.scope.icb):
    st.subheader("Your ICB's practices in the lowest 20%")
    named = query("support_list", ctx.viewer, ctx.scope, **window)
    st.warning(
        "**OFFICIAL-SENSITIVE.** For the ICB's own use in offering support. Do not publish or share outside "
        "the ICB: NHS England committed to no league tables and no published practice names.",
        icon="🔒",
    )
    table = pd.DataFrame(
        {
            "Rank in ICB (1 = lowest)": named["rank_in_icb"],
            "Practice code": named["practice_code"],
            "Practice name": named["practice_name"],
            f"{label} ({window_label})": named["value"],
            "In Accelerate": named["in_accelerate"].map({True: "yes", False: "no"}),
            "In GPIP": named["in_gpip"].map({True: "yes", False: "no"}),
        }
    )
    st.dataframe(table, hide_index=True)
    st.download_button(
        "Download the list (OFFICIAL-SENSITIVE, CSV)",
        ("OFFICIAL-SENSITIVE\n" + csv_text(table)).encode("utf-8"),  # names quoted if formula-like
        file_name=f"OFFICIAL-SENSITIVE_lowest20_{ctx.scope.icb}_{measure}_{window_to:%Y-%m}.csv",
        mime="text/csv",
        key="support_list_csv",
    )
    st.caption(
        f"{len(table)} of {int(named['practices_ranked'].iloc[0]) if len(named) else 0} practices: the lowest "
        "ceil(20%) on the unrounded value, equal values ordered by practice code. Values shown rounded to 0.1."
    )
elif own_icb:
    st.subheader("Which practices?")
    st.info(f"Choose your ICB ({own_icb}) in the filters to see its named list.")
else:
    st.subheader("Which practices?")
    st.info(
        "Practice names are shown only to an ICB's own authorised users, for their ICB. This view shows counts "
        "and shares, with 'fewer than 5' for small numbers."
    )
charts.slides(
    note="With your ICB's named list only for its own authorised users (then OFFICIAL-SENSITIVE)."
)
