"""Access: how appointments are moving for the scope and period (no practice is named or ranked)."""

import streamlit as st

from gpaccess.app import frame, render, spc_changes
from gpaccess.app.charts import PageCharts
from gpaccess.app.data import query
from gpaccess.charts.access import ICB_MEASURES, TREND_COLUMNS
from gpaccess.charts.appointments import MEASURES
from gpaccess.charts.base import fmt_int, fmt_pct

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

charts = PageCharts("access", ctx)
charts.show("How appointments were offered")
charts.show(
    "Monthly trends (statistical process control)",
    tabs=[MEASURES[column].label for column in TREND_COLUMNS],
)
spc_changes.show(ctx, TREND_COLUMNS, "access")
charts.show("Time from booking to appointment")
charts.show("The same month last year")
charts.show("GP and other practice staff")
charts.show("National appointment categories")

st.subheader("ICBs compared")
measure = st.selectbox(
    "Measure to compare",
    list(ICB_MEASURES),
    format_func=lambda c: ICB_MEASURES[c][0],
    key="access_icb_measure",
)
charts.choose(icb_measure=measure)
charts.show("ICBs compared", subheader=False)
if ctx.scope.icb:
    charts.show("Within the ICB: sub-ICB locations and PCNs")
    st.caption(
        "On the measure chosen above (appointments per 1,000 patients is compared between ICBs only). PCNs of "
        "fewer than 5 practices are shown together, never one by one, except to the ICB's own users."
    )

charts.show("How practices differ")
st.caption(
    "Practices are counted in bands, never named or ranked here: NHS England committed to no league tables. "
    "An ICB's own authorised users can see which of its practices may need support on the Support "
    "identification page."
)
charts.slides(note="The five trends are SPC charts; the ICBs are compared on the measure chosen.")
