"""Overview: the headline figures on the access programmes for the chosen scope."""

import streamlit as st

from gpaccess.app import frame, render
from gpaccess.app.data import query
from gpaccess.charts.base import fmt_int, fmt_pct
from gpaccess.charts.programme import supported_over_time
from gpaccess.figures import pct

ctx = frame.current()
st.title("GP access improvement programmes")
st.markdown(f"Operational update for **{ctx.scope_label}**, {ctx.period_label}.")

accelerate = query("accelerate_headline", ctx.viewer, ctx.scope).iloc[0]
gpip = query("gpip_headline", ctx.viewer, ctx.scope).iloc[0]
latest = query("appointments_latest", ctx.viewer, ctx.scope).iloc[0]

c1, c2, c3, c4 = st.columns(4)
with c1:
    render.tile("Accelerate practices supported", fmt_int(accelerate["practices_supported"]),
                "Dec 2021 to Jun 2023, all phases")
with c2:
    render.tile("Extended beyond 20 weeks",
                fmt_pct(pct(accelerate["practices_extended"], accelerate["practices_supported"])),
                "Share of Accelerate practices supported")
with c3:
    render.tile("Productivity gains, phases 1-3",
                fmt_pct(pct(accelerate["gains_phases_1_3"], accelerate["assessed_phases_1_3"])),
                f"All phases: {fmt_pct(pct(accelerate['gains_all'], accelerate['assessed_all']))}")
with c4:
    target = f" of {fmt_int(gpip['target_practices'])} target" if gpip["target_applies"] else ""
    render.tile("GPIP practices benefited", fmt_int(gpip["practices_benefited"]),
                f"Universal offer included{target}")

render.chart(supported_over_time(query("supported_over_time", ctx.viewer, ctx.scope), ctx.scope_label))
