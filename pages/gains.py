"""Productivity gains: share of practices with gains by phase, region and ICB, hours released, kinds of gain."""

import streamlit as st

from gpaccess.app import frame, render
from gpaccess.app.data import query
from gpaccess.charts import gains
from gpaccess.disclosure import FEWER_THAN

ctx = frame.current()
st.title("Productivity gains")
st.markdown(
    f"Outcomes the programme tracker records for practices supported in **{ctx.scope_label_md}**, programme "
    f"to date. A group with {FEWER_THAN} practices shows '{FEWER_THAN}' instead of a figure."
)

st.subheader("Practices with productivity gains")
render.show(
    gains.gains_share, query("gains_by_phase", ctx.viewer, ctx.scope), "phase", ctx.scope_label
)
if ctx.scope.icb is None:
    by_region = query("gains_by_region", ctx.viewer, ctx.scope)
    render.show(gains.gains_share, by_region, "region", ctx.scope_label)
render.show(gains.gains_share, query("gains_by_icb", ctx.viewer, ctx.scope), "icb", ctx.scope_label)

st.subheader("Time released")
render.show(gains.hours_released, query("hours_released", ctx.viewer, ctx.scope), ctx.scope_label)

st.subheader("Kinds of gain")
render.show(gains.gain_kinds, query("gain_kinds", ctx.viewer, ctx.scope), ctx.scope_label)

render.page_slides("gains", ctx)
