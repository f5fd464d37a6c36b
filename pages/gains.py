"""Productivity gains: share of practices with gains by phase, region and ICB, hours released, kinds of gain."""

import streamlit as st

from gpaccess.app import frame, render
from gpaccess.app.data import query
from gpaccess.charts import Chart, gains


def show(chart: Chart) -> None:
    """A chart with nothing to plot is said in words instead of drawn as empty axes."""
    if chart.data.empty:
        st.info(chart.title)
    else:
        render.chart(chart)


ctx = frame.current()
st.title("Productivity gains")
st.markdown(
    f"Outcomes the programme tracker records for practices supported in **{ctx.scope_label}**, programme "
    f"to date. A group with {gains.FEWER_THAN} practices shows '{gains.FEWER_THAN}' instead of a figure."
)

st.subheader("Practices with productivity gains")
show(gains.gains_share(query("gains_by_phase", ctx.viewer, ctx.scope), "phase", ctx.scope_label))
if ctx.scope.icb is None:
    by_region = query("gains_by_region", ctx.viewer, ctx.scope)
    show(gains.gains_share(by_region, "region", ctx.scope_label))
show(gains.gains_share(query("gains_by_icb", ctx.viewer, ctx.scope), "icb", ctx.scope_label))

st.subheader("Time released")
show(gains.hours_released(query("hours_released", ctx.viewer, ctx.scope), ctx.scope_label))

st.subheader("Kinds of gain")
show(gains.gain_kinds(query("gain_kinds", ctx.viewer, ctx.scope), ctx.scope_label))
