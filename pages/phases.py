"""Phase completion: practices by status per phase or cohort, support delivered against plan, phase calendar."""

import streamlit as st

from gpaccess.app import frame, render
from gpaccess.app.data import query
from gpaccess.charts.phases import phase_status, phase_timeline, support_delivery

ctx = frame.current()
st.title("Phase completion")
st.markdown(
    f"Accelerate phases and GPIP cohorts for **{ctx.scope_label_md}**, programme to date. "
    "Practice counts are cumulative from the programme tracker: the period filter does not change them."
)

phases = query("programme_phases", ctx.viewer, ctx.scope)
if phases.empty:
    st.info("No phases are recorded in the programme tracker for this programme.")
    st.stop()

st.subheader("Where practices are in their support")
render.show(phase_status, phases, ctx.scope_label)
st.subheader("Support delivered against the plan")
render.show(support_delivery, phases, ctx.scope_label)
st.subheader("When each phase ran")
render.show(phase_timeline, phases, ctx.scope_label)

render.page_slides("phases", ctx)
