"""Uptake by ICB: share of practices enrolled, against region and England, withdrawals, eligibility, barriers."""

import streamlit as st

from gpaccess.app import frame
from gpaccess.app.charts import PageCharts

ctx = frame.current()
st.title("Uptake by ICB")
st.markdown(
    f"How many practices took part, for **{ctx.scope_label_md}**. ICBs are named; practices never are. "
    "Enrolment and withdrawal counts are programme to date; barriers are those reported in the period."
)

charts = PageCharts("uptake", ctx)
charts.show("Practices enrolled")
charts.show("Withdrawals")
charts.show("Blocked by the digital telephony criterion")
charts.show("Barriers ICBs reported")
charts.slides()
