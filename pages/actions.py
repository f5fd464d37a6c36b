"""What practices changed: the ten high impact actions, adoption by programme, region and ICB, and productivity
gains among adopters and non-adopters (an association, not cause)."""

import streamlit as st

from gpaccess.app import frame
from gpaccess.app.charts import PageCharts
from gpaccess.app.data import query
from gpaccess.disclosure import FEWER_THAN

ALL_PHASES = "All phases and cohorts"

ctx = frame.current()
st.title("What practices changed")
st.markdown(
    "Which of NHS England's ten high impact actions supported practices adopted, for "
    f"**{ctx.scope_label_md}**, programme to date. Counted: supported practices with an assessed outcome "
    "(productivity gain recorded yes or no), once per programme. Regions and ICBs are named; practices never "
    f"are. A group with {FEWER_THAN} practices shows '{FEWER_THAN}' instead of a figure."
)

phases = query("programme_phases", ctx.viewer, ctx.scope)
options = [ALL_PHASES, *dict.fromkeys(phases["phase"])]
labels = dict(zip(phases["phase"], phases["programme"] + " · " + phases["phase"], strict=False))
chosen = st.selectbox(
    "Phase",
    options,
    format_func=lambda p: labels.get(p, p),
    key="actions_phase",
    help="Only practices supported in this phase or cohort.",
)
charts = PageCharts("actions", ctx, phase=None if chosen == ALL_PHASES else chosen)
charts.show("Actions adopted")

st.subheader("Actions and productivity gains")
st.warning(
    "**Association, not cause.** Practices chose which actions to adopt, and practices that adopted an "
    "action may differ in other ways (size, staffing, starting point) from those that did not. A higher share "
    "with gains among adopters does not show that the action caused the gains.",
    icon=":material/info:",
)
charts.show("Actions and productivity gains", subheader=False)
charts.slides()
