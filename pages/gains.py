"""Productivity gains: share of practices with gains by phase, region and ICB, hours released, kinds of gain."""

import streamlit as st

from gpaccess.app import frame
from gpaccess.app.charts import PageCharts
from gpaccess.disclosure import FEWER_THAN

ctx = frame.current()
st.title("Productivity gains")
st.markdown(
    f"Outcomes the programme tracker records for practices supported in **{ctx.scope_label_md}**, programme "
    f"to date. A group with {FEWER_THAN} practices shows '{FEWER_THAN}' instead of a figure."
)

charts = PageCharts("gains", ctx)
charts.show("Practices with productivity gains")
charts.show("Time released")
charts.show("Kinds of gain")
charts.slides()
