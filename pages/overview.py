"""Overview: the headline figures on the access programmes for the chosen scope."""

import streamlit as st

from gpaccess.app import frame, render, spc_changes
from gpaccess.app.charts import PageCharts
from gpaccess.app.data import query
from gpaccess.charts.base import fmt_int, fmt_pct
from gpaccess.definitions import words
from gpaccess.disclosure import shown_share
from gpaccess.figures import NO_PROGRAMME_DATA

ctx = frame.current()
st.title("GP access improvement programmes")
st.markdown(f"Operational update for **{ctx.scope_label_md}**, {ctx.period_label}.")

accelerate = query("accelerate_headline", ctx.viewer, ctx.scope).iloc[0]
exact = ctx.viewer.may_see_practices_of(
    ctx.scope.icb
)  # shares of fewer than 5 practices: theirs only
gpip = query("gpip_headline", ctx.viewer, ctx.scope).iloc[0]
support_now = query("support_now", ctx.viewer, ctx.scope).set_index("programme")
latest = query("appointments_latest", ctx.viewer, ctx.scope).iloc[0]
monthly = query("appointments_monthly", ctx.viewer, ctx.scope)

st.subheader("Programmes")
if not query("programme_held", ctx.viewer, ctx.scope).iloc[0]["enrolments"]:
    st.info(NO_PROGRAMME_DATA, icon=":material/info:")  # not zeros: nothing loaded for this scope
else:
    c1, c2, c3, c4, c5 = st.columns(5)
    with c1:
        render.tile(
            "Accelerate: supported",
            fmt_int(accelerate["practices_supported"]),
            "All phases, Dec 2021 to Jun 2023",
            help_text=words("accelerate_supported"),
        )
    with c2:
        render.tile(
            "Extended beyond 20 weeks",
            shown_share(
                accelerate["practices_extended"], accelerate["practices_supported"], exact=exact
            ),
            "Share of Accelerate practices supported",
        )
    with c3:
        render.tile(
            "Gains, phases 1-3",
            shown_share(
                accelerate["gains_phases_1_3"], accelerate["assessed_phases_1_3"], exact=exact
            ),
            f"All phases: {shown_share(accelerate['gains_all'], accelerate['assessed_all'], exact=exact)}",
            help_text=words("with_gains")
            + " Share of Accelerate practices assessed, phases 1 to 3.",
        )
    with c4:
        target = f" · target {fmt_int(gpip['target_practices'])}" if gpip["target_applies"] else ""
        render.tile(
            "GPIP: benefited",
            fmt_int(gpip["practices_benefited"]),
            f"Universal offer included{target}",
            help_text=words("gpip_benefited"),
        )
    with c5:
        active = int(support_now["active"].sum())
        waiting = int(support_now["signed_up_not_started"].sum())
        render.tile(
            "In support now",
            fmt_int(active),
            f"Plus {fmt_int(waiting)} signed up, not started",
            help_text=words("in_support_now"),
        )

    supported = query("practice_reconciliation", ctx.viewer, ctx.scope.with_(programme="All")).iloc[
        0
    ]
    st.caption(
        f"{fmt_int(supported['supported'])} practices supported in either programme, each counted once: "
        f"{fmt_int(supported['supported_in_both'])} were supported by both. How these counts add up, and "
        "what each one counts: the Data page."
    )

charts = PageCharts("overview", ctx)
st.subheader("Appointments")
face_to_face = charts.charts("Appointments")
if monthly.empty:
    st.info("No appointment data for this scope and period.")
else:
    year_before = latest["face_to_face_pct_year_before"]
    change = latest["face_to_face_pct"] - year_before if year_before == year_before else None
    a1, a2 = st.columns([1, 3])
    with a1:
        st.metric(
            f"Face-to-face share, {latest['latest_month']:%b %Y}",
            fmt_pct(latest["face_to_face_pct"]),
            delta=None if change is None else f"{change:+.1f} pp on a year before",
            delta_color="off",
        )
        st.caption(
            f"{fmt_int(latest['total'])} appointments at {fmt_int(latest['practices'])} practices."
        )
    with a2:
        for chart in face_to_face:
            render.chart(chart)
        if not face_to_face:
            st.info("The SPC chart needs at least three months of appointment data.")
        else:
            spc_changes.show(ctx, ["face_to_face_pct"], "overview")

charts.show("Programme support over time")
charts.slides()
