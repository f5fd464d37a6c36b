"""Summary: the first page and the board pack's slide 2. GPIP against its target and trajectory, the headline
access outcomes with their SPC verdicts, what changed since the previous month, and the author's commentary."""

import streamlit as st

from gpaccess.app import frame, summary_page
from gpaccess.app.charts import PageCharts
from gpaccess.text import plain

ctx = frame.current()
summary = summary_page.current(ctx)
st.title("Summary")
st.markdown(f"**{plain(summary.title, None)}**")
st.caption(
    f"{ctx.scope_label_md} · {ctx.period_label} · programme counts to the end of the last month"
)

charts = PageCharts("summary", ctx)
st.subheader("Status against target")
summary_page.tiles(summary)
charts.show("Status against target", subheader=False)
summary_page.outcomes(summary)
summary_page.changes(summary)
summary_page.commentary(summary, ctx)
summary_page.figures(summary, ctx, charts.placed())
