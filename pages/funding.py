"""Funding: what was allocated and spent per ICB, against uptake and gains, and what the money bought."""

import streamlit as st

from gpaccess.app import frame
from gpaccess.app.charts import PageCharts
from gpaccess.disclosure import FEWER_THAN

ctx = frame.current()
st.title("Funding")
st.markdown(
    f"What was allocated and spent, ICB by ICB, for **{ctx.scope_label_md}**, every fund and financial year the "
    "programme tracker holds, and what the programmes achieved there. ICBs are named; practices never are. A "
    f"share with gains of {FEWER_THAN} practices assessed is not shown."
)

charts = PageCharts("funding", ctx)
charts.show("Allocated and spent")
charts.show("Against uptake and gains")
charts.show("What the money bought")
charts.slides()
