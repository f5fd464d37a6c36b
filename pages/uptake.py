"""Uptake by ICB: share of practices enrolled, against region and England, withdrawals, eligibility, barriers."""

import streamlit as st

from gpaccess.app import frame, render
from gpaccess.app.data import query
from gpaccess.charts import uptake

ctx = frame.current()
programme = ctx.scope.programme
st.title("Uptake by ICB")
st.markdown(
    f"How many practices took part, for **{ctx.scope_label_md}**. ICBs are named; practices never are. "
    "Enrolment and withdrawal counts are programme to date; barriers are those reported in the period."
)

by_icb = query("uptake_by_icb", ctx.viewer, ctx.scope)
england = query("uptake_by_icb", ctx.viewer, ctx.scope.with_(region=None, icb=None))

st.subheader("Practices enrolled")
render.show(uptake.uptake_share, by_icb, programme, ctx.scope_label)
render.show(uptake.uptake_against_reference, by_icb, england, programme, ctx.scope_label)

st.subheader("Withdrawals")
render.show(uptake.withdrawals_by_icb, by_icb, programme, ctx.scope_label)
reasons = query("withdrawal_reasons", ctx.viewer, ctx.scope)
render.show(uptake.withdrawal_reasons, reasons, ctx.scope_label)

st.subheader("Blocked by the digital telephony criterion")
if programme == "Accelerate":
    st.info("The digital telephony criterion applies to GPIP only: choose GPIP or All to see it.")
else:
    blocked = query("telephony_blocked_by_icb", ctx.viewer, ctx.scope)
    render.show(uptake.telephony_blocked, blocked, ctx.scope_label)

st.subheader("Barriers ICBs reported")
kinds = query("barriers_by_kind", ctx.viewer, ctx.scope)
render.show(uptake.barriers_by_kind, kinds, ctx.scope_label, ctx.period_label)
reports = query("barrier_reports", ctx.viewer, ctx.scope)
render.show(uptake.barrier_table, reports, ctx.scope_label, ctx.period_label)

render.page_slides("uptake", ctx)
