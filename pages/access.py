"""Access: how appointments are moving for the scope and period (no practice is named or ranked)."""

import streamlit as st

from gpaccess.app import frame, render
from gpaccess.app.data import query
from gpaccess.charts.access import (
    ICB_MEASURES,
    TREND_COLUMNS,
    icbs_compared,
    mode_mix,
    share_distribution,
)
from gpaccess.charts.appointments import MEASURES, spc_chart
from gpaccess.charts.base import describe_period, fmt_int, fmt_pct

ctx = frame.current()
st.title("Access")
st.markdown(f"Appointments in general practice for **{ctx.scope_label_md}**, {ctx.period_label}.")

counts = query("access_counts_monthly", ctx.viewer, ctx.scope)
monthly = query("appointments_monthly", ctx.viewer, ctx.scope)

if counts.empty:
    st.info("No appointment data for this scope and period.")
    st.stop()

latest = counts.iloc[-1]
rates = monthly.set_index("month").loc[latest["month"]]
month = f"{latest['month']:%b %Y}"
total = int(latest["appointments"])
st.subheader(f"{month} at a glance")
c1, c2, c3, c4, c5 = st.columns(5)
with c1:
    render.tile(
        f"Appointments, {month}", fmt_int(total), f"at {fmt_int(latest['practices'])} practices"
    )
with c2:
    render.tile(
        f"Face-to-face, {month}",
        fmt_int(latest["face_to_face"]),
        f"{fmt_pct(100 * latest['face_to_face'] / total)} of appointments",
    )
with c3:
    render.tile(
        "Same-day share", fmt_pct(100 * latest["same_day"] / total), "booked and seen the same day"
    )
with c4:
    render.tile("Did-not-attend rate", fmt_pct(100 * latest["dna"] / total), "of all appointments")
with c5:
    per_1000 = rates["appointments_per_1000"]
    render.tile(
        "Per 1,000 patients",
        "no list sizes" if per_1000 != per_1000 else f"{per_1000:,.0f}",
        "appointments per 1,000 registered patients, that month",
    )

st.subheader("How appointments were offered")
render.chart(mode_mix(counts, ctx.scope_label, ctx.period_label))

st.subheader("Monthly trends (statistical process control)")
if len(monthly) < 3:
    st.info("SPC charts need at least three months of data; load more months to see trends.")
else:
    starts = query("programmes", ctx.viewer, ctx.scope)["start_date"].tolist()
    tabs = st.tabs([MEASURES[c].label for c in TREND_COLUMNS])
    for tab, column in zip(tabs, TREND_COLUMNS, strict=True):
        with tab:
            if monthly[column].notna().sum() < 3:
                st.info(
                    f"Not enough months with {MEASURES[column].label.lower()} for an SPC chart."
                )
                continue
            chart, summary = spc_chart(monthly, column, ctx.scope_label, rebase_at=starts)
            st.caption(f"**SPC:** {summary.variation_text}.")
            render.chart(chart)

st.subheader("ICBs compared")
region = ctx.scope.region
area = f"{ctx.geo.regions[region]} region" if region else "England"
by_icb = query("access_by_icb", ctx.viewer, ctx.scope.with_(icb=None))
if by_icb.empty:
    st.info("No ICB had appointments in this period.")
else:
    measure = st.selectbox(
        "Measure to compare",
        list(ICB_MEASURES),
        format_func=lambda c: ICB_MEASURES[c][0],
        key="access_icb_measure",
    )
    render.chart(icbs_compared(by_icb, measure, area, ctx.period_label, highlight=ctx.scope.icb))

st.subheader("How practices differ")
distribution = query("practice_share_distribution", ctx.viewer, ctx.scope, month=latest["month"])
render.chart(
    share_distribution(
        distribution, ctx.scope_label, describe_period(latest["month"], latest["month"])
    )
)
st.caption(
    "Practices are counted in bands, never named or ranked here: NHS England committed to no league tables. "
    "An ICB's own authorised users can see which of its practices may need support on the Support "
    "identification page."
)
render.page_slides(
    "access",
    ctx,
    note="The ICBs are compared on face-to-face share; the four trends are SPC charts.",
)
