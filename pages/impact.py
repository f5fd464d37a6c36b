"""Evidence of impact: did supported practices' access change more than that of comparable practices?"""

import streamlit as st

from gpaccess.app import frame, render
from gpaccess.app.charts import PageCharts
from gpaccess.app.data import query
from gpaccess.charts.impact import results_table
from gpaccess.disclosure import FEWER_THAN, SMALL_NUMBER, shown_count
from gpaccess.impact import DESIGN, MEASURES, estimate, panel_counts, query_params

ALL = "__all__"
LEVELS = {"GPIP": ["intermediate", "intensive"]}


def count(n: int) -> str:
    return shown_count(n)


ctx = frame.current()
st.title("Evidence of impact")
st.markdown(
    f"Did access change more at practices the programme supported than at similar practices it did not "
    f"support? **{ctx.scope_label_md}**, whole programme to date (the period filter does not apply here)."
)
if ctx.synthetic_demo:
    st.warning(
        "These figures come from the **synthetic demonstration data**, into which a known effect was "
        "built (+3 points face-to-face). They show how the method works, not what the programmes achieved.",
        icon=":material/science:",
    )

left, middle, right = st.columns(3)
if ctx.scope.programme == "All":
    programme = left.radio(
        "Programme of the headline figures",
        ["Accelerate", "GPIP"],
        horizontal=True,
        key="impact_prog",
        help="The charts show each programme; the figures above them and the table are for this one.",
    )
else:
    programme = ctx.scope.programme
    left.markdown(f"**Programme:** {programme} (from the filters)")
scope = ctx.scope.with_(programme=programme)
phases = query("programme_phases", ctx.viewer, scope)
phase_names = list(dict.fromkeys(phases["phase"]))
phase = middle.selectbox(
    "Phase or cohort",
    [ALL, *phase_names],
    format_func=lambda p: "All phases and cohorts" if p == ALL else p,
    key=f"impact_phase_{programme}",
)
levels = LEVELS.get(programme, [])
level = ALL
if levels:
    level = right.selectbox(
        "Level of support",
        [ALL, *levels],
        format_func=lambda v: "Hands-on (intermediate, intensive)" if v == ALL else v,
        key="impact_level",
    )

chosen_phase = None if phase == ALL else phase
chosen_level = None if level == ALL else level
panels = {
    key: query("impact_panel", ctx.viewer, scope, **query_params(key, chosen_phase, chosen_level))
    for key in MEASURES
}
results = {key: estimate(panel, key) for key, panel in panels.items()}
counts = panel_counts(panels["face_to_face"])
headline = results["face_to_face"]

st.subheader("Face-to-face share: supported against comparable practices")
c1, c2, c3 = st.columns(3)
with c1:
    value = (
        FEWER_THAN
        if headline.suppressed
        else "no data"
        if headline.estimate is None
        else f"{headline.estimate:+.1f} pp"
    )
    detail = (
        ""
        if headline.ci_low is None or headline.ci_high is None
        else f"95% confidence interval {headline.ci_low:+.1f} to {headline.ci_high:+.1f} pp"
    )
    render.tile("Difference in the change (estimate)", value, detail)
with c2:
    render.tile(
        "Supported practices compared",
        count(headline.n_supported),
        f"of {count(counts['supported_in_scope'])} supported in scope",
    )
with c3:
    render.tile(
        "Matched comparison practices",
        count(headline.n_comparators),
        "never in any programme; same ICB, else same region",
    )

# the charts: each programme of the filters (both when All, as in the board pack); the tiles above and the
# table below: the programme chosen here
charts = PageCharts(
    "impact",
    ctx,
    programme=None if ctx.scope.programme == "All" else programme,
    phase=chosen_phase,
    level=chosen_level,
)
charts.show("Face-to-face share: supported against comparable practices", subheader=False)

st.subheader("Month by month, from the start of support")
measure = st.selectbox(
    "Measure", list(MEASURES), format_func=lambda k: MEASURES[k].label, key="impact_measure"
)
charts.choose(impact_measure=measure)
charts.show("Month by month, from the start of support", subheader=False)

st.subheader("All four measures")
st.table(results_table(list(results.values())).set_index("Measure"))
st.caption(
    "Before: mean of the 6 months before support started. After: mean of months 7 to 12 after it started "
    "(the first 6 months are left out while changes take hold). Change = after minus before. "
    "Difference = change at supported practices minus change at their matched comparators, in percentage "
    "points (pp) for shares and in appointments a month per 1,000 registered patients for the rate."
)

with st.expander("How this is worked out, and its limits", expanded=True):
    st.markdown(
        f"""
**The question.** Practices were chosen for support because their access looked weak. A practice that had a bad
spell tends to get better anyway ("regression to the mean"), and all practices change over time (for example
more face-to-face care after the pandemic). So "before and after" at supported practices alone overstates the
effect. Instead we ask: **did supported practices change more than similar practices that were not supported?**

**Comparison practices.** For each supported practice we pick up to {DESIGN.k_comparators} practices that were
**never in any programme**, in the **same ICB** (or the same region if the ICB has none close enough), with a
**similar level on the measure** in the 6 months before the support started and a **similar list size**
(nearest neighbours, accepted only within {DESIGN.caliper} standard deviations). Supported practices without a
close enough match are left out, as are those whose support started too recently to have 12 months of data
after the start, and those that withdrew. Each supported practice counts once; its comparators share one
practice's weight.

**The estimate** is a difference in differences: (after − before) at supported practices minus (after −
before) at their comparators. The 95% confidence interval allows for each practice's own ups and downs
(standard errors clustered by practice). If the interval includes zero, the data cannot tell the programme's
effect apart from chance. No estimate is shown for fewer than {SMALL_NUMBER} supported practices.

**Limits.**
- *Selection*: practices that asked for support, or were picked, may differ in ways the data cannot see (for
  example a new practice manager); matching on the measure and list size cannot remove that.
- *Regression to the mean* is reduced, not removed: matching uses a 6-month average, but practices picked on
  a single bad month may still bounce back more than their matches.
- *Spillovers*: comparison practices in the same ICB or PCN may have picked up ideas from supported
  neighbours, or from other national support, which would make the estimate too small.
- *Other changes*: anything else that happened to supported practices at the same time (new telephony,
  staff changes) is counted as the programme's effect.
- It shows an association on published appointment data, not proof of cause. Appointment data has recording
  differences between practices.
"""
        + (
            "- The demonstration data is synthetic: its supported practices were given a known effect "
            "of +3 points face-to-face, +3% appointments per 1,000 and −0.3 points did-not-attend, so "
            "the estimate can be checked against it."
            if ctx.synthetic_demo
            else ""
        )
    )
st.caption(
    "Only totals and averages are shown; no practice is named or identifiable. Source: NHS England, "
    "Appointments in General Practice (practice level) and patients registered at a GP practice; "
    "programme tracker."
)
charts.slides(note="The programme, phase, level and measure chosen on this page.")
