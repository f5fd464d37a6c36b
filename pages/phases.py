"""Phase completion: practices by status per phase or cohort, support delivered against plan, phase calendar."""

import streamlit as st

from gpaccess.app import frame
from gpaccess.app.charts import PageCharts
from gpaccess.definitions import words

ctx = frame.current()
st.title("Phase completion")
st.markdown(
    f"Accelerate phases and GPIP cohorts for **{ctx.scope_label_md}**, programme to date. "
    "Practice counts are cumulative from the programme tracker: the period filter does not change them."
)
st.caption(f"{words('enrolled')} How this reconciles with the other pages' counts: the Data page.")

charts = PageCharts("phases", ctx)
charts.show("Where practices are in their support")
charts.show("Support delivered against the plan")
charts.show("When each phase ran")
charts.slides()
