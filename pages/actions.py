"""What practices changed: the ten high impact actions, adoption by programme, region and ICB, and productivity
gains among adopters and non-adopters (an association, not cause)."""

import streamlit as st

from gpaccess.app import frame, render
from gpaccess.app.data import query
from gpaccess.charts import actions
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
phase = None if chosen == ALL_PHASES else chosen
extra = {"phase": phase}

by_programme = query("actions_by_programme", ctx.viewer, ctx.scope, **extra)
by_area = query("actions_by_area", ctx.viewer, ctx.scope, **extra)
by_count = query("actions_count_gains", ctx.viewer, ctx.scope, **extra)

st.subheader("Actions adopted")
render.show(actions.adoption_by_programme, by_programme, ctx.scope_label, phase)
for by in ("region", "icb") if ctx.scope.icb is None else ("icb",):
    for programme in actions.area_programmes(by_area, by):
        render.show(actions.adoption_by_area, by_area, by, programme, ctx.scope_label, phase)

st.subheader("Actions and productivity gains")
st.warning(
    "**Association, not cause.** Practices chose which actions to adopt, and practices that adopted an "
    "action may differ in other ways (size, staffing, starting point) from those that did not. A higher share "
    "with gains among adopters does not show that the action caused the gains.",
    icon=":material/info:",
)
render.show(actions.gains_by_action, by_programme, ctx.scope_label, phase)
render.show(actions.gains_by_count, by_count, ctx.scope_label, phase)

render.page_slides("actions", ctx)
